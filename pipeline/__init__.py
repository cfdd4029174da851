"""callwatch: crawl -> extract -> store -> detect -> digest."""
