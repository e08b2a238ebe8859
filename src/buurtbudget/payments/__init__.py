"""Payments: paying organisations, payment requests (invoices and cash), SEPA batches and bank statements."""
