// KgitSchema: see ARCHITECTURE.md.
