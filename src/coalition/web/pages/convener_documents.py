"""The convener pages' GraphQL documents, and the words they show for the schema's values
(kinds of organization, roles, outcome metrics, the settings and what each means)."""

from __future__ import annotations

KINDS = {
    "EMPLOYER": "Employers",
    "TRAINING_PROVIDER": "Training providers",
    "EDUCATION_INSTITUTION": "Schools and colleges",
    "WORKER_ORGANIZATION": "Unions and worker organizations",
    "COMMUNITY_ORGANIZATION": "Community organizations",
    "FUNDER": "Funders",
    "PUBLIC_AGENCY": "Public agencies",
}
KIND_NAMES = {
    "EMPLOYER": "Employer",
    "TRAINING_PROVIDER": "Training provider",
    "EDUCATION_INSTITUTION": "School or college",
    "WORKER_ORGANIZATION": "Union or worker organization",
    "COMMUNITY_ORGANIZATION": "Community organization",
    "FUNDER": "Funder",
    "PUBLIC_AGENCY": "Public agency",
}
ROLES = {
    "MEMBER": "Member: takes part for the organization",
    "ORGANIZATION_ADMIN": "Organization admin: manages the organization and its people",
    "ANALYST": "Analyst: reads what members read, changes nothing",
    "PARTNERSHIP_ADMIN": "Partnership admin: the convener, manages members and settings",
}
# Outcome metrics in a few plain words (the SDL's descriptions say them in full).
METRICS = {
    "ENROLLMENTS": "People enrolled",
    "COMPLETIONS": "People who completed training",
    "CREDENTIALS": "Credentials earned",
    "PLACEMENTS": "People placed in jobs",
    "WIOA_EMPLOYMENT_Q2": "Employed 2 quarters after leaving (WIOA)",
    "WIOA_EMPLOYMENT_Q4": "Employed 4 quarters after leaving (WIOA)",
    "WIOA_MEDIAN_EARNINGS_Q2": "Median earnings 2 quarters after leaving (WIOA)",
    "WIOA_CREDENTIAL_RATE": "Share who earned a credential (WIOA)",
    "WIOA_MSG": "Share with a measurable skill gain (WIOA)",
    "WIOA_RETENTION_SAME_EMPLOYER": "Share kept by the same employer (WIOA)",
    "COMPLETION_RATE": "Share who completed training",
    "PLACEMENT_RATE": "Share placed in jobs",
    "MEDIAN_WAGE_AT_PLACEMENT": "Median hourly wage at placement",
    "TPM_CAPTURE_RATE": "Share hired by the partnership's employers",
    "COST_PER_CREDENTIAL": "Cost per credential",
    "COST_PER_PLACEMENT": "Cost per placement",
}

# Members by kind: one page of every organization's kind (two statements), counted on
# the page; past one page, a count per kind (two statements each).
COUNTED_AT_ONCE = 100
_KINDS_OF_ALL = f"""
  everyone: organizations(first: {COUNTED_AT_ONCE}) {{
    totalCount pageInfo {{ hasNextPage }} edges {{ node {{ kind }} }}
  }}"""
_PER_KIND = "\n".join(
    f"  {kind.lower()}: organizations(first: 1, filter: {{kinds: [{kind}]}}) {{ totalCount }}"
    for kind in KINDS
)
KIND_COUNTS = f"query ConvenerKindCounts {{\n{_PER_KIND}\n}}"
MONEY = "{ formatted }"
PARTNERSHIP = f"""
query ConvenerPartnership($from: String!, $to: String!, $now: DateTime!) {{
{_KINDS_OF_ALL}
  byOccupation: demandSummary(groupBy: [OCCUPATION],
      filter: {{quarterFrom: $from, quarterTo: $to}}) {{
    release {{ publishedAt }}
    cells {{ key {{ occupation {{ code title }} }} openings suppressed }}
    total {{ openings suppressed }}
  }}
  byQuarter: demandSummary(groupBy: [OCCUPATION, QUARTER],
      filter: {{quarterFrom: $from, quarterTo: $to}}) {{
    cells {{ key {{ occupation {{ code title }} quarter }} openings suppressed }}
  }}
  skillsGap(from: $from, to: $to, groupBy: OCCUPATION) {{
    rows {{ code title hidden demand expectedCompleters gap }}
  }}
  initiatives(first: 20) {{
    edges {{ node {{
      id name
      progress {{
        target {{ metric kind period target amount {MONEY} }}
        actual {{ display suppressed }}
        shareReached elapsedShare onTrack
      }}
    }} }}
  }}
  fundPools(first: 20) {{
    edges {{ node {{
      id name status currency
      summary {{ committed {MONEY} matched {MONEY} disbursed {MONEY} remaining {MONEY} }}
    }} }}
  }}
  events(first: 5, filter: {{from: $now}}) {{
    edges {{ node {{ id title kind startsAt organizer {{ name }} }} }}
  }}
}}
"""

TREND = """
query ConvenerTrend($code: String!, $from: String!) {
  demandTrend(occupationCode: $code, quarters: 8, from: $from) {
    occupation { code title }
    points { key { quarter } openings suppressed }
  }
}
"""

MEMBERS = """
query ConvenerMembers($kinds: [OrganizationKind!], $after: String) {
  organizations(first: 20, after: $after, filter: {kinds: $kinds}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name kind city region employeeCount } }
  }
}
"""

CREATE_ORGANIZATION = """
mutation ConvenerCreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id }
    userErrors { field message code }
  }
}
"""

MEMBER = """
query ConvenerMember($id: ID!, $after: String) {
  organization(id: $id) {
    id name kind city region website employeeCount naicsCode createdAt archivedAt
    memberships(first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id role createdAt user { id displayName email } } }
    }
  }
}
"""

MEMBERSHIP = """
query ConvenerMembership($id: ID!) {
  node(id: $id) {
    ... on Membership { id role user { displayName email } organization { id name } }
  }
}
"""

ADD_MEMBERSHIP = """
mutation ConvenerAddMembership($input: AddMembershipInput!) {
  addMembership(input: $input) { membership { id } userErrors { field message code } }
}
"""

REMOVE_MEMBERSHIP = """
mutation ConvenerRemoveMembership($input: RemoveMembershipInput!) {
  removeMembership(input: $input) { membership { id } userErrors { field message code } }
}
"""

SETTINGS_FIELDS = """
  disclosureMinEmployers disclosurePPercent disclosureNoiseMinPercent
  disclosureNoiseMaxPercent releaseEveryHours releaseMinIntervalHours
  outcomesMinPeople publicPrograms timeZone
"""
SETTINGS = f"query ConvenerSettings {{ tenant {{ settings {{ {SETTINGS_FIELDS} }} }} }}"
UPDATE_SETTINGS = """
mutation ConvenerUpdateSettings($input: UpdateTenantSettingsInput!) {
  updateTenantSettings(input: $input) { tenant { id } userErrors { field message code } }
}
"""

AUDIT = """
query ConvenerAudit($after: String) {
  auditEvents(first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id occurredAt actorKind actorLabel action objectType objectId changes } }
  }
}
"""

# The settings form: the input's name, the setting it shows, its label and one sentence.
SETTINGS_FORM = (
    (
        "minEmployers",
        "disclosureMinEmployers",
        "Fewest employers behind a figure (k)",
        "A pooled demand figure is hidden unless at least this many employers stand "
        "behind it (2 to 50).",
    ),
    (
        "pPercent",
        "disclosurePPercent",
        "Dominance rule (p%)",
        "A figure is hidden when the employers other than its two largest add up to less "
        "than this percentage of the largest, so no one can guess the largest's openings "
        "(1 to 50).",
    ),
    (
        "noiseMinPercent",
        "disclosureNoiseMinPercent",
        "Least noise, in percent",
        "Each employer's pooled openings and wages are blurred by at least this much, so "
        "no one's true number can be read (5 to 40; fixed after the first release).",
    ),
    (
        "noiseMaxPercent",
        "disclosureNoiseMaxPercent",
        "Most noise, in percent",
        "And by at most this much (at least 5 above the least, up to 50; fixed after the "
        "first release).",
    ),
    (
        "releaseEveryHours",
        "releaseEveryHours",
        "New release every (hours)",
        "How often the pooled figures members read are refreshed on schedule (1 to 744).",
    ),
    (
        "releaseMinIntervalHours",
        "releaseMinIntervalHours",
        "Least time between releases (hours)",
        "Releases are never closer than this, even those published on demand, so no one "
        "learns from small changes between them (1 to 744, at most the schedule's).",
    ),
    (
        "outcomesMinPeople",
        "outcomesMinPeople",
        "Fewest people behind an outcome figure",
        "An outcome figure standing for fewer people than this is hidden outside the "
        "member who reported it (3 to 100).",
    ),
)
