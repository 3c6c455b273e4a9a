import KgitCLI

await Kgit.main()
