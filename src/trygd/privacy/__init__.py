"""Access policy and audit: who may see or change whose data, and the record of each try."""
