"""The bottom layer every other part may use: HTML escaping, chart helpers, where files are."""
