"""Views of query results: terminal (Rich), JSON and Markdown. Only this package knows Rich."""
