"""Disclosure control: which aggregates of other members' contributions a response may show.

Pure (no SQL, no GraphQL, no domain). A caller hands ``engine.disclose`` rows
(``cells.Record``, or ``cells.Columns`` of many): each row is what one
*contributor* (an employer, a training provider) adds to the items that agree
on every attribute a breakdown reads: an *amount* (openings, people) and
optionally *measurements* (wages) for a median. With a ``cells.Breakdown``
(dimensions, filter conditions) it returns each cell and the total, either
shown with its numbers or suppressed with none. Pooled demand uses it for
openings per employer; people counts (outcomes) use it the same way.

The rule (``rule.DisclosureRule``, a partnership setting): a number is shown
only if at least ``min_employers`` distinct contributors stand behind it and
no single contributor holds more than ``max_share_percent`` of its amount (the
BLS QCEW "3 establishments / 80%" rule). A number that passes is then also
held to:

1. Filters (differencing): for every way of removing some of the filter's
   conditions, the rows the filter drops from the number must be none or
   pass the rule, so two queries that differ by a filter isolate nobody.
2. Canonical breakdowns (consistency): along each checked attribute the
   number restricts (for pooled demand: occupation, quarter, work-based
   learning, degree), the breakdown of its rows by that attribute (within its
   other keys, and overall; under the filter, and under none) has hidden
   atoms: those failing the rule, plus the next-smallest until they are at
   least two and pass together (``rule.hidden_in_line``). The number must take
   the hidden atoms' rows whole or not at all, so no filter, range or grouping
   publishes a cell that another response hides to protect its neighbour.
   Along the checked attributes it does not restrict, the part of the overall
   breakdown's hidden rows it takes, and the part it leaves, must each be none
   or pass (a quarter must not be exactly an occupation's hidden partner).
3. Secondary suppression inside the response: in every group of cells with a
   common marginal (all cells and the total; each row and column of a
   multi-way breakdown), the hidden cells together must pass the rule and be
   at least two (a cell that is all of a shown marginal does not count); else
   the shown cell with the smallest amount is hidden too (ties by key, never
   by a hidden value). If nothing is left to hide, the total is hidden.

Which cells exist depends only on which key combinations have at least one
kept row: existence is disclosed, values are not (QCEW's "(D)" cells).
Medians are given only for shown numbers whose measurements come from
contributors that pass the rule (counting measurements per contributor), all
in one unit.

Limits, stated: every shown number passes the rule, one response gives away
at most sums of hidden cells that pass it, and the attacks in
tests/demand/test_summary_attacks.py (combining every breakdown, filter and
trend of small markets) recover no hidden employer. It is not a proof against
every combination of many two- and three-way breakdowns and filters (an
attacker solving for bounds, or exact values in larger markets): full
protection of linked tables is an audit problem this rule does not solve.

Modules: ``rule`` (the rule and the hidden atoms of one breakdown), ``cells``
(what goes in and comes out), ``table`` (the rows behind a number and its
primary test), ``engine`` (``disclose``: secondary suppression and figures).
"""
