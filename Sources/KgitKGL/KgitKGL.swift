// KgitKGL: see ARCHITECTURE.md.
