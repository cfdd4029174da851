"""What a page as a whole says about its funders, once each body's mentions are judged: an
umbrella named beside its own programme is that programme, a fund named where a programme paid
from it pays is a funder too, a programme named beside its successor is the past, and the EU (or its
Commission) gives way to the programme it pays through. The pairs are data (models/funder_cues.toml)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.model_files import load_model_toml
from pipeline.nlp.funder_names import CUES_FILE
from pipeline.nlp.funder_registry import FunderEntry

if TYPE_CHECKING:
    from pipeline.nlp.funders import Mention

UNSAID = "unsaid"  # a region's verdict where nothing tells whether it pays


class PageFunders:
    def __init__(self) -> None:
        data = load_model_toml(CUES_FILE)
        self.successors: dict[str, str] = data.get("successors", {})
        # bodies whose "yes" verdicts are counted (a programme and its successor, below): every
        # mention of these is judged, even after one shows it paying
        self.yes_counted = frozenset(self.successors) | frozenset(self.successors.values())
        self.programme_funds = [(prefix.casefold(), fund) for prefix, fund in data.get("programme_funds", {}).items()]

    def fund_of(self, entry: FunderEntry) -> str:
        """The EU fund a programme is paid from: the registry's `fund`, or by the programme's name
        ("Interreg ..." -> the ERDF: programme_funds)."""
        if entry.fund:
            return entry.fund
        folded = entry.name.casefold()
        return next((fund for prefix, fund in self.programme_funds if folded.startswith(prefix)), "")

    def settle(self, accepted: dict[str, Mention], verdicts: dict[str, list[str]], first: dict[str, Mention],
               generic: list[Mention]) -> dict[str, Mention]:
        """The funders of the page from those accepted one by one (`verdicts` and `first` mention
        of every body named there, `generic` EU-money mentions)."""
        # A fund named on a page where a programme paid from it pays is a funder too ("the 2 Seas
        # projects that receive ERDF funding through the Interreg 2 Seas Programme"), and so is the
        # ERDF named on a page that speaks of EU money ("EU-pengar"): it is that money.
        paid_from = {self.fund_of(m.entry) for m in accepted.values()} | {m.entry.name for m in generic}
        accepted = dict(accepted)
        # (taken before the funds below are added: a programme follows only a fund shown paying)
        paying_before = set(accepted)
        for name, v in verdicts.items():
            if name not in accepted and name in paid_from and "maybe" in v:
                accepted[name] = first[name]
        # and a programme named without money words on a page where the fund that pays it pays is
        # that fund's way to the page ("Welcome to the Interreg V-A Latvia–Lithuania Programme" where
        # the ERDF co-finances the projects)
        for name, v in verdicts.items():
            entry = first[name].entry
            if (name not in accepted and "maybe" in v and entry.role == "programme"
                    and self.fund_of(entry) in paying_before):
                accepted[name] = first[name]
        # A programme named on a page about its successor is the past the page compares with ("build
        # on our success in Horizon 2020" on a page launching Horizon Europe).
        for earlier, later in self.successors.items():
            if earlier in accepted and later in accepted and (
                    verdicts[later].count("yes") >= verdicts[earlier].count("yes")):
                del accepted[earlier]
        # The EU, or its Commission, pays through the programme named paying: that one is the funder
        # ("co-funded by the European Union" under an Interreg programme's logo).
        if any(m.entry.role != "paying_only" and (m.entry.group == "eu" or m.entry.role == "programme")
               for m in accepted.values()):
            accepted = {name: m for name, m in accepted.items() if m.entry.role != "paying_only"}
        return accepted


def fold_umbrellas(verdicts: dict[str, list[str]], first: dict[str, Mention]) -> None:
    """An umbrella named beside one of its own programmes ("the Interreg family" on a page of
    Interreg Baltic Sea Region) is that programme: its mentions count as the programme's."""
    for name, mention in list(first.items()):
        prefixes = tuple(prefix.casefold() for prefix in mention.entry.umbrella_of)
        own = [other for other in verdicts if other != name and prefixes and other.casefold().startswith(prefixes)]
        if own:
            for other in own:
                verdicts[other] = verdicts[other] + verdicts[name]
            del verdicts[name], first[name]


def quiet_funders(verdicts: dict[str, list[str]], first: dict[str, Mention],
                  registered: list[str]) -> dict[str, Mention]:
    """The funders of a page that speaks of money or calls but shows no body paying: it still names
    where its money comes from. The bodies named without a sign of not paying (verdict "maybe";
    `registered`: the registry bodies named), its programmes first ("a Creative Europe cooperation
    project"; an agency beside them is more often a partner or a host); failing those, the one region
    it keeps naming without saying whether it pays. (A page that speaks of no money at all names
    programmes only in passing: not asked.)"""
    quiet = [name for name in registered if "maybe" in verdicts[name]]
    programmes = [name for name in quiet if first[name].entry.role == "programme"]
    regions = [name for name, v in verdicts.items() if UNSAID in v and first[name].entry.role == "region"]
    home = regions if len(regions) == 1 and verdicts[regions[0]].count(UNSAID) > 1 else []
    return {name: first[name] for name in programmes or quiet or home}
