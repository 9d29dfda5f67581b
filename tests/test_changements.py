"""« Ce qui a changé » read from the stored results: every significant series named, split usagers / agents
by the referential, deteriorations first, the users-versus-agents sentences, the verdicts that moved."""

from __future__ import annotations

from indicateurs.changements import AGENTS, USAGERS, what_changed
from indicateurs.referentiel_store import read_referentiel

IMPROVEMENT = "amélioration significative"
DEGRADATION = "dégradation significative"
NO_CHANGE = "pas de changement détectable"


def _sql(db, statement, params=()):
    with db.transaction() as con:
        con.execute(statement, list(params))


def _stored_significant(db, direction):
    """(parcours, indicateur, side) of every significant series of a direction, straight from SQL."""
    rows = db.query_df("""
        SELECT r.parcours, r.indicateur, r.verdict, i.famille FROM resultats r
        JOIN parcours p ON p.code = r.parcours JOIN indicateurs i ON i.code = r.indicateur
        WHERE p.direction = ? AND r.verdict IN (?, ?) AND i.sens <> 'neutre'
    """, [direction, IMPROVEMENT, DEGRADATION])
    return {(r.parcours, r.indicateur, AGENTS if r.famille == "conditions de travail des agents" else USAGERS)
            for r in rows.itertuples()}


def test_every_significant_series_is_named_on_its_side(demo_db):
    ref = read_referentiel(demo_db)
    for direction in ("DFA", "DDCT", "DVD"):
        answer = what_changed(demo_db, ref, direction=direction)
        got = {(r.parcours, r.indicateur, r.cote) for r in answer.changements.itertuples()}
        assert got == _stored_significant(demo_db, direction)
        assert got, f"the demo base has significant changes in {direction}"
        # deteriorations first on each side
        for side in (USAGERS, AGENTS):
            verdicts = answer.side(side)["verdict"].tolist()
            assert verdicts == sorted(verdicts, key=lambda v: v != DEGRADATION)
        stored = demo_db.query_df("SELECT phrase FROM resultats r JOIN parcours p ON p.code = r.parcours "
                                  "WHERE p.direction = ? AND r.verdict IN (?, ?)", [direction, IMPROVEMENT, DEGRADATION])
        assert set(answer.changements["phrase"]) <= set(stored["phrase"])


def test_counts_per_side_match_the_store(demo_db):
    ref = read_referentiel(demo_db)
    answer = what_changed(demo_db, ref)
    rows = demo_db.query_df("""
        SELECT i.famille, r.verdict, count(*) AS n FROM resultats r JOIN indicateurs i ON i.code = r.indicateur
        WHERE i.sens <> 'neutre' GROUP BY ALL""")
    agents = rows[rows["famille"] == "conditions de travail des agents"]
    users = rows[rows["famille"].fillna("") != "conditions de travail des agents"]
    for side, part in ((AGENTS, agents), (USAGERS, users)):
        counts = part.groupby("verdict")["n"].sum()
        assert answer.comptes[side].ameliorations == counts.get(IMPROVEMENT, 0)
        assert answer.comptes[side].degradations == counts.get(DEGRADATION, 0)
        assert answer.comptes[side].sans_changement == counts.get(NO_CHANGE, 0)


def test_users_better_while_agents_worse_is_one_sentence(demo_db):
    _sql(demo_db, "UPDATE resultats SET verdict = ? WHERE parcours LIKE 'DPE-%'", [NO_CHANGE])
    ref = read_referentiel(demo_db)
    assert what_changed(demo_db, ref, direction="DPE").divergences == []
    _sql(demo_db, "UPDATE resultats SET verdict = ? WHERE parcours = 'DPE-ENCOMBRANTS' AND indicateur = 'SATISFACTION_GLOBALE'",
                    [IMPROVEMENT])
    _sql(demo_db, "UPDATE resultats SET verdict = ? WHERE parcours = 'DPE-ENCOMBRANTS' AND indicateur = 'SURCHARGE_AGENTS'",
                    [DEGRADATION])
    _sql(demo_db, "UPDATE resultats SET verdict = ? WHERE parcours = 'DPE-DANSMARUE' AND indicateur = 'INCIVILITES'",
                    [IMPROVEMENT])
    _sql(demo_db, "UPDATE resultats SET verdict = ? WHERE parcours = 'DPE-DANSMARUE' AND indicateur = 'DELAI_TRAITEMENT'",
                    [DEGRADATION])
    found = what_changed(demo_db, ref, direction="DPE").divergences
    assert [d.parcours for d in found] == ["DPE-ENCOMBRANTS", "DPE-DANSMARUE"]
    first, second = found
    assert first.usagers_mieux and not second.usagers_mieux
    assert "les usagers y gagnent (▲ Satisfaction globale)" in first.phrase
    assert "les agents y perdent (▼ Agents déclarant une surcharge)" in first.phrase
    assert "les agents y gagnent (▲ Incivilités signalées)" in second.phrase
    assert "les usagers y perdent (▼ Délai moyen de traitement)" in second.phrase


def test_verdicts_that_moved_and_deployed_filter(demo_db):
    _sql(demo_db, "UPDATE resultats SET verdict_precedent = ? WHERE parcours = 'DFA-MARCHE' AND indicateur = 'DELAI_TRAITEMENT'",
                    [NO_CHANGE])
    ref = read_referentiel(demo_db)
    moved = what_changed(demo_db, ref, direction="DFA").verdicts_modifies
    assert list(zip(moved["parcours"], moved["indicateur"], moved["verdict_precedent"])) == [
        ("DFA-MARCHE", "DELAI_TRAITEMENT", NO_CHANGE)]
    nothing = what_changed(demo_db, ref, direction="DFA", parcours=set())
    assert nothing.changements.empty and nothing.verdicts_modifies.empty
    assert nothing.comptes[USAGERS].jugees == 0
