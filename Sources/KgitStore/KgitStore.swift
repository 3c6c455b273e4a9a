// KgitStore: see ARCHITECTURE.md.
