"""What the HTML pages and the JSON API share: problem+json, file downloads, rate limits."""
