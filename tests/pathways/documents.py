"""The GraphQL documents of the pathways tests."""

from __future__ import annotations

STEP_FIELDS = """
  id position retiredAt
  occupation { code }
  typicalEmployers { id name }
  wageMin { amountMinor currency } wageMax { amountMinor currency } wageUnit
  bridgingPrograms { id name providerName isActive }
  workBasedLearning
  skillsAdded { skill { id } required current shortfall }
"""

PAYLOAD = f"""
  careerPathway {{
    id name description organization {{ id }}
    steps {{ {STEP_FIELDS} }}
    allSteps: steps(includeRetired: true) {{ id position retiredAt occupation {{ code }} }}
  }}
  step {{ id position retiredAt occupation {{ code }} }}
  userErrors {{ field message code }}
"""

CREATE = f"""
mutation($input: CreateCareerPathwayInput!) {{
  createCareerPathway(input: $input) {{ {PAYLOAD} }}
}}"""

ADD = f"""
mutation($input: AddCareerPathwayStepInput!) {{
  addCareerPathwayStep(input: $input) {{ {PAYLOAD} }}
}}"""

UPDATE = f"""
mutation($input: UpdateCareerPathwayStepInput!) {{
  updateCareerPathwayStep(input: $input) {{ {PAYLOAD} }}
}}"""

REORDER = f"""
mutation($input: ReorderCareerPathwayStepsInput!) {{
  reorderCareerPathwaySteps(input: $input) {{ {PAYLOAD} }}
}}"""

RETIRE = f"""
mutation($input: RetireCareerPathwayStepInput!) {{
  retireCareerPathwayStep(input: $input) {{ {PAYLOAD} }}
}}"""

PATHWAY = f"""
query($id: ID!) {{
  careerPathway(id: $id) {{
    id name
    steps {{ {STEP_FIELDS} }}
    allSteps: steps(includeRetired: true) {{ id position retiredAt occupation {{ code }} }}
  }}
}}"""

PATHWAYS = f"""
query($first: Int, $after: String) {{
  careerPathways(first: $first, after: $after) {{
    totalCount
    edges {{ node {{ id name organization {{ id }} steps {{ {STEP_FIELDS} }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
