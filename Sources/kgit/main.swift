import KgitCLI

await Kgit.start()
