import ArgumentParser
import Foundation
import KgitKGL

/// `kgit lock [PATH]`: pins every file kgit.kgl imports in kgit.lock.
struct LockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Pin the files kgit.kgl imports (CRDs, other KGL files) in kgit.lock.",
        discussion: """
            Reads kgit.kgl at PATH (default: the current directory), follows its file imports \
            (`import cm "crd:vendor/cm.yaml"`, `import shop "./types.kgl"`, and theirs), and writes \
            kgit.lock with the SHA-256 of each. kgit validate and kgit render refuse an import whose file \
            no longer matches its pin, naming both hashes; run kgit lock after reviewing the change.

            Exit status: 0 written (or, with --check, up to date), 1 with --check when kgit.lock would \
            change, 2 usage or I/O errors.

            Example:
              kgit lock manifests/examples/shop-kgl
              kgit lock --check .          # in CI
            """
    )

    @Flag(help: "Do not write: exit 1 when kgit.lock is missing or would change.")
    var check = false

    @Argument(help: ArgumentHelp("The repository directory holding kgit.kgl.", valueName: "path"))
    var path: String = "."

    func run() async throws {
        let root = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let kglPath = root + "/" + KGLRepository.fileName
        guard let data = FileManager.default.contents(atPath: kglPath) else {
            throw ExitWith(message: "kgit lock: \(kglPath): no such file (lock needs kgit.kgl at the repository root)", code: 2)
        }
        let repository = KGLRepository(
            root: root, source: String(decoding: data, as: UTF8.self), loader: ImportLoader(root: root))
        let text = repository.lockText()
        let lockPath = root + "/" + ImportLoader.lockFileName
        let current = FileManager.default.contents(atPath: lockPath).map { String(decoding: $0, as: UTF8.self) }
        let pins = text.split(separator: "\n").filter { $0.hasPrefix("sha256 ") }.count
        if check {
            guard current == text else {
                throw ExitWith(message: "kgit lock: \(lockPath) is \(current == nil ? "missing" : "out of date"); run `kgit lock \(path)`", code: 1)
            }
            print("\(lockPath): up to date (\(pins) import\(pins == 1 ? "" : "s") pinned)")
            return
        }
        guard FileManager.default.createFile(atPath: lockPath, contents: Data(text.utf8)) else {
            throw ExitWith(message: "kgit lock: cannot write \(lockPath)", code: 2)
        }
        print("\(lockPath): \(pins) import\(pins == 1 ? "" : "s") pinned")
    }
}
