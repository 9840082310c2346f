"""Career pathways: next steps from an occupation, and the partnership's own pathways."""
