"""The price of a consultation and what lowers it: quotes, financial assistance, sponsor codes."""
