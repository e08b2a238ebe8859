"""Pure adapters (no Django models) behind small interfaces: SEPA files, bank statements, uploads."""
