// KgitSync: desired state from git. See ARCHITECTURE.md.
