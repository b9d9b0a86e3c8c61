"""The learning library's window and the related-learnings panel."""
