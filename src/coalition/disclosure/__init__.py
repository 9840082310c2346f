"""Disclosure control: which aggregates of other members' contributions a response may show.

Pure (no SQL, no GraphQL, no domain). A caller hands ``engine.disclose`` rows
(``cells.Record``, or ``cells.Columns`` of many): each row is what one
*contributor* (an employer, a training provider) adds to the items that agree
on every attribute a breakdown reads: an *amount* (openings, people; positive,
possibly fractional, as openings spread over quarters are) and optionally
*measurements* (wages) for a median. With a ``cells.Breakdown`` (dimensions,
filter conditions) it returns each cell and the total, either shown with its
numbers or suppressed with none. People counts (outcomes) can use it the same
way with their own rule ("fewer than n people").

The rule (``rule.DisclosureRule``, partnership settings): a number is shown
only if at least ``min_employers`` (k, default 3) distinct contributors with
something stand behind it and it passes the p% rule (``p_percent``, default
10): the total minus the two largest contributions is at least p% of the
largest, so no contributor, subtracting its own amount from the total, can
estimate another's within p%. A number that passes is then also held to:

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
kept row: existence is disclosed, values are not (QCEW's "(D)" cells; pooled
demand lists a hidden cell only when its key is known to the reader anyway).
Medians are given only for shown numbers whose measurements come from
contributors that pass the rule (counting measurements per contributor), all
in one unit.

Pooled demand (``coalition.demand.figures``) decides with this engine on the
true openings of the POOLED contributions of employers other than the reader's
own organizations only: the reader's own signals and NAMED ones (public) take
no part, so nothing a reader does with its own numbers moves a decision. It
publishes a shown cell as the sum of *noised* contributions (``noise``): each
POOLED signal's openings and wage times a permanent secret factor at least
``noise_min_percent`` and at most ``noise_max_percent`` away from 1 (10% and
25% by default), the same in every query and release.

Limits, stated: every shown number passes the rule and one response gives
away at most sums of hidden cells that pass it. Suppression alone is no proof
against every combination of linked breakdowns and filters (an attacker
solving for bounds): what keeps an isolated number from pinning one employer
is the noise, which leaves it off by an unknown factor.

Modules: ``rule`` (the rule and the hidden atoms of one breakdown), ``cells``
(what goes in and comes out), ``table`` (the rows behind a number and its
primary test), ``engine`` (``disclose``: secondary suppression and figures),
``noise`` (the permanent factors; ``coalition.demand.release_build`` computes
the same in SQL).
"""
