"""The thresholds and weights of the qualification, each with why it sits where it does.

docs/decision.md tabulates them with their sources in the seeds; `arbitre.decision.logics` and
`arbitre.decision.grid` apply them, `arbitre.decision.qualify.recommend` weighs the result.
"""

from __future__ import annotations

# --- Weights: how much one reason counts ---------------------------------------------------------

# One criterion of the grid is one line of a two-column table (seed 004): a nudge, not a verdict.
WEIGHT_GRID = 1.0
# A case seed 003 names outright as a natural candidate for outsourcing, or a keep-in-house rule.
WEIGHT_LOGIC = 2.0
# The same case far past its threshold, or a fact the company cannot trade (a language the team
# does not speak, know-how that cannot be transferred, a volume no provider will price well).
WEIGHT_STRONG = 3.0
# Moving a flow has costs the scores do not see (transition, governance: "50 % of the success
# depends on the quality of your steering", seed 003): the reasons to move must outweigh the
# reasons to stay by a whole logic-level reason. A net nudge of the grid alone never moves a flow;
# the grid alone moves it when at least two more of its criteria point out than in.
MOVE_MARGIN = 2.0

# --- Economic logic ------------------------------------------------------------------------------

# A fifth of the demand in the evening, at night or at the weekend: enough to need shifts of their
# own, paid at the premiums of `InHouseCosts.band_premiums`, that a provider running teams around
# the clock spreads over several clients (seed 003: "une amplitude horaire que vous ne pouvez pas
# couvrir de manière rentable (soirs, nuits, weekends)").
UNSOCIABLE_SHARE = 0.20
# Two contacts in five at those hours: the split is the obvious first step (weighted strong).
UNSOCIABLE_STRONG_SHARE = 0.40
# A band under 3 % of the contacts is not worth a line in a provider's scope.
BAND_MIN_SHARE = 0.03
# One contact in ten outside opening hours is demand lost or deferred today (seed 003: "les
# plages horaires de sollicitation réelle (pas seulement vos horaires d'ouverture)").
OUTSIDE_HOURS_SHARE = 0.10
# A quarter: a large unserved demand, weighted as a logic-level reason.
OUTSIDE_HOURS_STRONG_SHARE = 0.25
# A split that leaves less than a fifth of a flow in-house keeps a team too small to run; the
# reason then points to outsourcing the whole flow rather than to a hybrid.
MIN_KEPT_SHARE = 0.20
# The busiest month 30 % above the average: staffing for it leaves a quarter of the team idle the
# rest of the year, or buys the peak in overtime (seed 003: "les pics d'activité récurrents qui
# vous coûtent beaucoup trop cher à couvrir"; seed 004: a provider "adapte ses effectifs en
# quelques jours").
PEAK_MONTH_RATIO = 1.30
# The busiest weekday 50 % above the average day: a Monday that staggered weekly rosters cannot
# absorb without idle agents on the other days.
PEAK_DAY_RATIO = 1.50
# Intraday peaks are what shifts and Erlang sizing are for; only a half-hour three times the
# average one is a peak that rosters cannot follow.
PEAK_INTERVAL_RATIO = 3.0
# Under 1,000 contacts a month a provider will not give a good rate (seed 003: "un volume
# beaucoup trop faible … pour intéresser un prestataire ou obtenir un tarif intéressant") …
SMALL_VOLUME_CONTACTS = 1_000.0
# … unless each contact is long: 150 hours of handling a month is about one full-time agent
# (35 h × 52 ÷ 12 ≈ 152 paid hours), a team a provider will staff.
SMALL_WORKLOAD_H = 150.0
# 5,000 contacts a month is a dedicated team of several agents at usual handle times: the scale
# at which providers' shared resources and per-contact rates pay (seed 004: volume "élevé").
LARGE_VOLUME_CONTACTS = 5_000.0
# Savings of 15 % are the bottom of the range seen in the seeds (001: 15–35 % below in-house);
# from there the price alone is a logic-level reason.
SAVINGS_TYPICAL = 0.15
# Above 35 % the offer is outside the range seen in the seeds: the reason says to check it.
SAVINGS_SUSPICIOUS = 0.35
# Under 5 % the transition and the governance team eat the savings: the price argues for keeping.
SAVINGS_MIN = 0.05

# --- Competence logic and keep-in-house rules ----------------------------------------------------

# Languages under 1 % of contacts are occasional and are routed or translated, not staffed.
LANGUAGE_MIN_SHARE = 0.01
# Together, the languages the team lacks must reach 5 % of contacts to be a scope of their own.
LACKING_LANGUAGES_SHARE = 0.05
# A monthly forecast that misses by 25 % on average puts most months outside a contract's volume
# tolerance (±10 % by default, `Pricing.tolerance`), where the price is renegotiated or a minimum
# commitment bites: a provider charges for the risk (seed 003: volume "trop incertain").
UNCERTAIN_FORECAST_ERROR = 0.25

# --- Grid (seed 004) --------------------------------------------------------------------------------------

# "Omnicanal, multilingue, 7j/7" (seed 004) against "1 à 2 canaux principaux": three channels or
# more is omnichannel, two languages or more multilingual.
MANY_CHANNELS = 3
MANY_LANGUAGES = 2
# With no target in the evidence, 80 % of calls answered within the threshold (the 80/20
# convention of inbound voice).
DEFAULT_SERVICE_LEVEL_TARGET = 0.80
# Ten points under target, or one caller in ten hanging up, is a team that needs the "amélioration
# continue" of seed 004's grid, whatever its processes look like on paper.
SERVICE_LEVEL_GAP = 0.10
HIGH_ABANDON_RATE = 0.10
