"""Référentiel: the administrators change a parcours' deployment date, label, description and targets,
with a preview of the verdicts that move, a journal of every change and its undo."""

import streamlit as st

from indicateurs import referentiel_edition as edition
from indicateurs.operations import ActionInterdite
from indicateurs.referentiel import ReferentielInvalide
from indicateurs.referentiel_store import referentiel_csv_texts
from ui.contexte import current_user, database, referentiel
from ui.identite import refuse_unless
from ui.texte import litteral

user = current_user()
refuse_unless(user.peut_modifier_referentiel(), f"La modification du référentiel est réservée aux "
                                                f"administrateurs ; votre rôle : {litteral(user.libelle())}.")
st.title("Référentiel")
db, ref = database(), referentiel()
if not ref.parcours:
    st.info("Le référentiel n'est pas chargé : lancez `python -m indicateurs init`.", icon=":material/info:")
    st.stop()
st.caption("Ce qui change pendant la période d'observation : la date de déploiement effective d'un parcours, "
           "une cible par indicateur et parcours, un libellé, une description. Chaque modification est "
           "d'abord prévisualisée (les verdicts qu'elle fait bouger), puis journalisée avec la valeur "
           "précédente ; elle peut être annulée. Les fichiers de data/referentiel/ restent le chargement initial.")


def _done(message: str) -> None:
    st.session_state["referentiel_message"] = message
    st.session_state.pop("referentiel_apercu", None)
    st.cache_data.clear()
    st.rerun()


if "referentiel_message" in st.session_state:
    st.success(litteral(st.session_state.pop("referentiel_message")), icon=":material/check_circle:")

st.subheader("Modifier")
codes = [p.code for p in ref.parcours]
left, right = st.columns(2)
parcours = left.selectbox("Parcours", codes, key="ref_parcours",
                          format_func=lambda c: f"{c} – {ref.un_parcours(c).libelle}")
champ = right.radio("Champ", list(edition.CHAMPS), key="ref_champ", horizontal=True,
                    format_func=edition.CHAMPS.get)
indicateur = None
if champ == edition.CIBLE:
    indicateur = st.selectbox("Indicateur", [i.code for i in ref.indicateurs], key="ref_indicateur",
                              format_func=lambda c: f"{c} – {ref.indicateur(c).libelle}")
current = edition.current_value(ref, edition.Modification(champ, parcours, "", indicateur))
if champ == edition.DATE:
    valeur = st.text_input("Date de déploiement (AAAA-MM ; vide : parcours prévu sans date)", value=current,
                           key=f"ref_val_date_{parcours}")
elif champ == edition.CIBLE:
    default = ref.cible(indicateur, parcours)
    st.caption("Cible par défaut de l'indicateur : " + ("aucune" if default is None or current else
                                                         litteral(f"{default:g}")))
    valeur = st.text_input("Cible propre à ce parcours (vide : la cible par défaut s'applique)", value=current,
                           key=f"ref_val_cible_{parcours}_{indicateur}")
elif champ == edition.LIBELLE:
    valeur = st.text_input("Libellé", value=current, key=f"ref_val_libelle_{parcours}", max_chars=200)
else:
    valeur = st.text_area("Description", value=current, key=f"ref_val_description_{parcours}",
                          max_chars=edition.MAX_TEXT)
modification = edition.Modification(champ, parcours, valeur, indicateur)

if st.button("Prévisualiser", key="ref_apercu", icon=":material/preview:"):
    try:
        with st.spinner("Calcul des verdicts sur une copie de la base…"):
            st.session_state["referentiel_apercu"] = (modification, edition.preview(db, modification))
    except edition.ModificationRefusee as error:
        st.session_state.pop("referentiel_apercu", None)
        st.error(litteral(error), icon=":material/error:")

previewed = st.session_state.get("referentiel_apercu")
if previewed is not None and previewed[0] == modification:
    apercu = previewed[1]
    st.markdown(f"**{litteral(edition.CHAMPS[champ].capitalize())}** de {litteral(modification.objet())} : "
                f"« {litteral(apercu.avant) or 'vide'} » → « {litteral(apercu.apres) or 'vide'} »")
    if apercu.avant == apercu.apres:
        st.info("Rien ne change : c'est déjà la valeur enregistrée.", icon=":material/info:")
    else:
        if apercu.verdicts.empty:
            st.info("Aucun verdict ne change.", icon=":material/info:")
        else:
            st.warning(f"{len(apercu.verdicts)} verdict(s) changeront :", icon=":material/swap_vert:")
            st.dataframe(apercu.verdicts, hide_index=True, width="stretch", column_config={
                "parcours": "Parcours", "indicateur": "Indicateur", "verdict_avant": "Verdict actuel",
                "verdict_apres": "Verdict après la modification"})
        if st.button("Enregistrer la modification", type="primary", key="ref_enregistrer"):
            try:
                with st.spinner("Enregistrement et mise à jour des résultats…"):
                    row = edition.apply(db, modification, user,
                                        details=f"{len(apercu.verdicts)} verdict(s) changé(s) à l'aperçu")
                _done(f"Modification n° {row} enregistrée ; les résultats sont à jour.")
            except (edition.ModificationRefusee, ActionInterdite) as error:
                st.error(litteral(error), icon=":material/error:")

st.divider()
st.subheader("Historique des modifications")
history = edition.history(db)
if history.empty:
    st.info("Aucune modification faite dans l'application pour l'instant.", icon=":material/info:")
else:
    st.dataframe(history, hide_index=True, width="stretch", column_config={
        "id": "N°", "horodatage": st.column_config.DatetimeColumn("Le", format="DD/MM/YYYY HH:mm"),
        "utilisateur": "Par", "action": "Action", "objet": "Objet", "champ": "Champ", "avant": "Avant",
        "apres": "Après", "annule_modification": "Annule la n°", "annulee_par": "Annulée par la n°"})
    undoable = history[history["annulee_par"].isna()]
    if len(undoable):
        labels = {int(r.id): f"n° {r.id} – {r.objet}, {edition.CHAMPS.get(r.champ, r.champ)} : "
                             f"« {r.avant or ''} » → « {r.apres or ''} »" for r in undoable.itertuples()}
        target = st.selectbox("Modification à annuler", list(labels), format_func=labels.get, key="ref_annuler_id")
        if st.button("Annuler cette modification", key="ref_annuler"):
            try:
                with st.spinner("Annulation et mise à jour des résultats…"):
                    row = edition.undo(db, target, user)
                _done(f"Modification n° {target} annulée (n° {row}) ; les résultats sont à jour.")
            except (edition.ModificationRefusee, ActionInterdite) as error:
                st.error(litteral(error), icon=":material/error:")

st.divider()
st.subheader("Fichiers du référentiel")
st.caption("Le référentiel de la base, modifications comprises, au format des fichiers de data/referentiel/.")
columns = st.columns(4)
for column, (name, text) in zip(columns, referentiel_csv_texts(db).items()):
    column.download_button(f"{name}.csv", text.encode("utf-8"), file_name=f"{name}.csv", mime="text/csv",
                           key=f"ref_csv_{name}", icon=":material/download:", on_click="ignore")
sure = st.checkbox("Je veux remplacer le référentiel de la base par les fichiers de data/referentiel/ "
                   "(les modifications faites ici seront perdues)", key="ref_recharger_ok")
if st.button("Recharger depuis les fichiers", disabled=not sure, key="ref_recharger"):
    try:
        with st.spinner("Chargement et mise à jour des résultats…"):
            changed = edition.reload_from_files(db, user)
        _done("Référentiel rechargé depuis les fichiers." if changed else "Le référentiel était déjà celui des fichiers.")
    except ReferentielInvalide as error:
        st.error(litteral(error), icon=":material/error:")
    except ActionInterdite as error:
        st.error(litteral(error), icon=":material/error:")
