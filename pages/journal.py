"""Journal d'audit: every write and every writer's sign-in, filterable and downloadable (administrators)."""

import streamlit as st

from indicateurs import journal
from ui.contexte import current_user, database
from ui.identite import refuse_unless
from ui.telechargements import download_buttons
from ui.texte import litteral

user = current_user()
refuse_unless(user.est_administrateur(), f"Le journal d'audit est réservé aux administrateurs ; votre rôle : "
                                         f"{litteral(user.libelle())}.")
st.title("Journal d'audit")
st.caption("Chaque écriture (import, annulation, modification du référentiel, changement des habilitations, "
           "initialisation) et chaque connexion d'une personne qui peut écrire. Le journal ne fait que "
           "s'allonger : aucune ligne n'y est jamais modifiée ni effacée.")

left, middle, right = st.columns(3)
action = left.selectbox("Action", ["", *journal.ACTIONS], key="journal_action",
                        format_func=lambda a: a or "Toutes les actions")
who = middle.text_input("Personne (une partie du nom suffit)", key="journal_personne")
days = right.date_input("Période", value=(), key="journal_periode", format="DD/MM/YYYY")
start = days[0] if len(days) >= 1 else None
end = days[1] if len(days) == 2 else start

frame = journal.read_journal(database(), action=action or None, utilisateur=who.strip() or None,
                             debut=start, fin=end)
if frame.empty:
    st.info("Aucune ligne du journal ne correspond à ces filtres.", icon=":material/info:")
    st.stop()
st.caption(f"{len(frame)} ligne(s).")
shown = frame.rename(columns={
    "id": "N°", "horodatage": "Le", "utilisateur": "Par", "role": "Rôle", "action": "Action", "objet": "Objet",
    "details": "Détail", "fichier": "Fichier", "sha256": "Empreinte sha256", "nb_lignes": "Lignes",
    "nb_nouvelles": "Nouvelles", "nb_revisees": "Révisées", "nb_inchangees": "Inchangées", "import_id": "Import n°",
    "champ": "Champ", "avant": "Valeur avant", "apres": "Valeur après", "annule_modification": "Annule la n°"})
blank = [c for c in shown.columns if c != "Le"]  # an empty cell reads empty, not « None »
st.dataframe(shown.assign(**{c: shown[c].astype(object).where(shown[c].notna(), "") for c in blank}),
             hide_index=True, width="stretch", column_config={
                 "Le": st.column_config.DatetimeColumn("Le", format="DD/MM/YYYY HH:mm:ss")})
download_buttons(shown, "journal_audit", key="journal_audit")
