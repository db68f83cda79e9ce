"""What reuse saved: an outcome recorded per handover and closing, the report that adds them
up with the checks before buying, its charts and its workbook."""
