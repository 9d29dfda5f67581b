"""Import: the SRU's monthly loading of the directions' files — upload, checks, preview, confirm, journal."""

import logging
from datetime import date

import pandas as pd
import streamlit as st

from indicateurs.db import BaseVerrouillee
from indicateurs.format_fr import format_month, format_number
from indicateurs.imports.modele import modele_csv, modele_xlsx, nom_modele
from indicateurs.imports.pipeline import DEFAULT_MAX_BYTES, check_file
from indicateurs.imports.rapport import problemes_csv
from indicateurs.mois import add_months, last_complete_month
from indicateurs.operations import ActionInterdite, cancel, import_file
from indicateurs.valeurs import AnnulationImpossible, STATUT_IMPORTE, TYPE_ANNULATION, list_imports
from ui.contexte import current_user, database, referentiel
from ui.identite import refuse_unless
from ui.mise_en_page import banner, empty_state
from ui.telechargements import download_buttons
from ui.texte import litteral, nom_de_fichier

log = logging.getLogger(__name__)
UNEXPECTED = ("L'opération n'a pas pu aller au bout (erreur inattendue du logiciel). Le journal des imports "
              "ci-dessous dit ce qui a été enregistré ; réessayez dans un instant et, si le problème persiste, "
              "prévenez l'équipe du SRU.")

UPLOAD_WIDGET_MB = 100  # above the real limit, so that a too-big file gets our French message, not Streamlit's

user = current_user()
refuse_unless(user.peut_importer(), f"Votre rôle ({litteral(user.libelle())}) ne permet pas d'importer des "
              "fichiers : cette page est réservée aux référents et aux administrateurs.")
st.title("Import des fichiers mensuels")
banner()
db, ref = database(), referentiel()

if not ref.parcours:
    empty_state("Le référentiel n'est pas chargé : lancez `python -m indicateurs init` avant d'importer.")
    st.stop()

st.markdown("Déposez le fichier d'indicateurs d'une direction (CSV ou Excel). Il est **vérifié sans rien "
            "enregistrer** ; vous voyez ensuite ce qu'il change, puis vous confirmez. Un fichier qui "
            "contient une erreur n'importe rien.")
limit_mb = DEFAULT_MAX_BYTES // 2**20
uploaded = st.file_uploader(f"Fichier d'indicateurs (CSV ou XLSX, {limit_mb} Mo au plus)", type=["csv", "xlsx", "txt"],
                            key="fichier", max_upload_size=max(UPLOAD_WIDGET_MB, limit_mb))


def _problems_table(problems) -> pd.DataFrame:
    return pd.DataFrame([{"Ligne": "" if p.ligne is None else p.ligne, "Colonne": p.colonne or "",
                          "Valeur": "" if p.valeur is None else p.valeur, "Message": p.message}
                         for p in problems])


def _journal_for_display(raw: pd.DataFrame) -> pd.DataFrame:
    """The imports' journal as read on screen: counts with a thousands space, empty cells left blank."""
    counts = ["nb_nouvelles", "nb_revisees", "nb_inchangees"]
    numbers = ["annule_import", "annule_par"]
    return raw.assign(
        **{c: raw[c].map(lambda n: "" if pd.isna(n) else format_number(n, 0)) for c in counts},
        **{c: raw[c].map(lambda n: "" if pd.isna(n) else str(int(n))) for c in numbers},
        message=raw["message"].map(lambda m: "" if m is None or pd.isna(m) else m))


if uploaded is not None:
    content = uploaded.getvalue()
    key = (uploaded.name, len(content), hash(content))
    if st.session_state.get("verification_cle") != key:
        with st.spinner("Vérification du fichier…"):
            st.session_state["verification"] = check_file(db, uploaded.name, content)
        st.session_state["verification_cle"] = key
        st.session_state.pop("resultat_import", None)
    v = st.session_state["verification"]
    st.subheader(f"Vérification de « {litteral(v.fichier)} »")
    if v.format:
        st.caption(f"Lu comme : {litteral(v.format)}.")
    if v.erreurs:
        st.error(f"**{v.nb_erreurs} erreur(s)** : le fichier est refusé, rien ne sera importé. "
                 "Corrigez les lignes ci-dessous puis déposez le fichier à nouveau.", icon=":material/error:")
        st.dataframe(_problems_table(v.erreurs), hide_index=True, width="stretch")
        st.download_button("Télécharger le rapport d'erreurs (CSV)", problemes_csv(v),
                           file_name=f"rapport_{nom_de_fichier(v.fichier)}.csv", mime="text/csv", key="rapport")
    if v.avertissements:
        st.warning(f"**{v.nb_avertissements} avertissement(s)** : le fichier peut être importé, vérifiez "
                   "d'abord ces points.", icon=":material/warning:")
        st.dataframe(_problems_table(v.avertissements), hide_index=True, width="stretch")
    if v.ok and v.comparaison is not None:
        c = v.comparaison
        st.subheader("Aperçu")
        cols = st.columns(3)
        cols[0].metric("Valeurs nouvelles", format_number(c.nouvelles, 0))
        cols[1].metric("Valeurs révisées", format_number(c.revisees, 0))
        cols[2].metric("Valeurs inchangées", format_number(c.inchangees, 0))
        per_month = c.par_direction_mois.assign(mois=lambda f: [format_month(pd.Timestamp(m).date()) for m in f["mois"]])
        per_month = per_month.assign(**{col: per_month[col].map(lambda n: format_number(n, 0))
                                        for col in ("nouvelles", "revisees", "inchangees") if col in per_month})
        st.dataframe(per_month, hide_index=True, width="stretch", column_config={
            "direction": "Direction", "mois": "Mois", "nouvelles": "Nouvelles", "revisees": "Révisées",
            "inchangees": "Inchangées"})
        if len(c.revisions):
            st.markdown("**Révisions** (la valeur enregistrée sera remplacée ; l'ancienne reste dans l'historique)")
            st.dataframe(c.revisions.assign(mois=lambda f: [format_month(pd.Timestamp(m).date()) for m in f["mois"]]),
                         hide_index=True, width="stretch", column_config={
                             "parcours": "Parcours", "indicateur": "Indicateur", "mois": "Mois",
                             "valeur_avant": "Valeur enregistrée", "valeur": "Nouvelle valeur"})
    result = st.session_state.get("resultat_import")
    if result is not None:
        (st.success if result.statut == STATUT_IMPORTE else st.info)(litteral(result.message))
    elif v.ok and v.deja_importe is None:
        if not user.peut_importer():
            st.info(f"Votre rôle ({user.role}) ne permet pas d'importer.")
        elif st.button("Importer ce fichier", type="primary", key="confirmer"):
            try:
                with st.spinner("Import et mise à jour des résultats…"):
                    st.session_state["resultat_import"] = import_file(db, v, user)
            except (ActionInterdite, BaseVerrouillee) as error:
                st.error(litteral(error))
            except Exception:  # never a traceback: the SRU gets what happened and what to do
                log.exception("import of %s failed", v.fichier)
                st.error(UNEXPECTED)
            else:
                st.cache_data.clear()
                st.rerun()
    elif v.deja_importe is not None:
        st.info(f"Ce fichier a déjà été importé (import n° {v.deja_importe}) : rien de nouveau à importer.")

st.divider()
st.subheader("Modèle de fichier pré-rempli")
st.caption("Une ligne par parcours × indicateur attendu ce mois-là, avec les bornes ; il reste à remplir la valeur.")
left, right = st.columns(2)
directions = [d.code for d in ref.directions]
direction = left.selectbox("Direction", directions, key="modele_direction",
                           format_func=lambda c: f"{c} – {ref.direction(c).libelle}")
months = [add_months(last_complete_month(), -i) for i in range(12)]
month = right.selectbox("Mois", months, key="modele_mois", format_func=lambda m: format_month(m, long=True))
a, b = st.columns(2)
a.download_button("Modèle CSV (Excel)", modele_csv(ref, direction, month),
                  file_name=nom_modele(direction, month, "csv"), mime="text/csv", key="modele_csv")
b.download_button("Modèle XLSX", modele_xlsx(ref, direction, month), file_name=nom_modele(direction, month, "xlsx"),
                  mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="modele_xlsx")

st.divider()
st.subheader("Journal des imports")
journal = list_imports(db)
if journal.empty:
    empty_state("Aucun import pour l'instant.")
else:
    raw = journal[["id", "type", "fichier", "utilisateur", "horodatage", "statut", "nb_nouvelles",
                   "nb_revisees", "nb_inchangees", "annule_import", "annule_par", "message"]]
    titles = {"id": "N°", "type": "Type", "fichier": "Fichier", "utilisateur": "Par", "horodatage": "Le",
              "statut": "Statut", "nb_nouvelles": "Nouvelles", "nb_revisees": "Révisées",
              "nb_inchangees": "Inchangées", "annule_import": "Annule l'import", "annule_par": "Annulé par",
              "message": "Détail"}
    st.dataframe(_journal_for_display(raw), hide_index=True, width="stretch", column_config={
        **titles, "horodatage": st.column_config.DatetimeColumn("Le", format="DD/MM/YYYY HH:mm")})
    download_buttons(raw, "journal_imports", key="journal", columns=titles)
    cancellable = journal[(journal["statut"] == STATUT_IMPORTE) & (journal["type"] != TYPE_ANNULATION)]
    if not user.est_administrateur():  # a référent cancels only its own imports (checked again on cancel)
        cancellable = cancellable[cancellable["utilisateur"].str.casefold() == user.identifiant.casefold()]
    if user.peut_annuler() and len(cancellable):
        st.markdown("**Annuler un import** : chaque valeur qu'il a écrite revient à ce qu'elle était avant."
                    + ("" if user.est_administrateur() else " Vous pouvez annuler vos propres imports."))
        labels = {int(r.id): f"n° {r.id} – {r.fichier} ({r.utilisateur}, {r.horodatage:%d/%m/%Y %H:%M})"
                  for r in cancellable.itertuples()}
        target = st.selectbox("Import à annuler", list(labels), format_func=labels.get, key="annuler_id")
        sure = st.checkbox("Je confirme l'annulation de cet import", key="annuler_confirme")
        if st.button("Annuler l'import", disabled=not sure, key="annuler"):
            try:
                result = cancel(db, target, user)
                st.session_state["annulation"] = (
                    f"Import n° {target} annulé : {result.restaurees} valeur(s) restaurée(s), "
                    f"{result.supprimees} supprimée(s), {result.conservees} conservée(s) car révisée(s) depuis.")
            except (AnnulationImpossible, ActionInterdite, BaseVerrouillee) as error:
                st.session_state["annulation"] = litteral(error)
            except Exception:  # never a traceback
                log.exception("cancellation of import %s failed", target)
                st.session_state["annulation"] = UNEXPECTED
            st.cache_data.clear()
            st.rerun()
    if "annulation" in st.session_state:
        st.info(st.session_state.pop("annulation"))
