import KgitSchema
import KgitYAML

// Imports of files: other KGL files, CRD files, OpenAPI documents and JSON Schemas, each pinned by
// its SHA-256.
extension TypeCompiler {
    /// The prefixes of file imports that are not KGL, and what each reads.
    enum ForeignImport: String, CaseIterable {
        case crd = "crd:"
        case openAPI = "openapi:"
        case jsonSchema = "jsonschema:"
    }

    /// Loads `import x "crd:<file>"`, `"openapi:<file>"`, `"jsonschema:<file>"` or `"<file>.kgl"`,
    /// after checking its pin.
    mutating func importFile(_ decl: Module.ImportDecl) {
        let written = decl.path.value
        let foreign = ForeignImport.allCases.first { written.hasPrefix($0.rawValue) }
        let isCRD = foreign == .crd
        let path = ImportLoader.normalized(foreign.map { String(written.dropFirst($0.rawValue.count)) } ?? written)
        guard foreign != nil || path.hasSuffix(".kgl") else {
            report(
                .invalidImport,
                "an import is kgit:k8s@<version>/<group>/<version>, crd:<file>, openapi:<file>, jsonschema:<file>, or a KGL file such as ./types.kgl",
                at: decl.path.range)
            return
        }
        if let foreign, foreign != .crd { schemaDocuments.append(path) }
        guard let loader else {
            report(.notSupportedYet, "file imports are read only in a repository (kgit validate, render, lock)", at: decl.path.range)
            return
        }
        guard !importStack.contains(path), importStack.count < 16 else {
            report(.invalidImport, "\(path) imports itself through \((importStack + [path]).joined(separator: " -> "))", at: decl.path.range)
            return
        }
        guard let bytes = loader.bytes(path) else {
            report(.invalidImport, "cannot read the imported file \(path) (relative to \(loader.root))", at: decl.path.range)
            return
        }
        importedFiles.append((path, bytes))
        let actual = ImportLoader.sha256(bytes)
        if acceptUnpinned {
            // `kgit lock`: pins are being computed.
        } else if let inline = decl.sha256 {
            if inline.value.lowercased() != actual {
                report(
                    .lockMismatch,
                    "import \(decl.name.name) \"\(written)\" does not match its pin: the file's SHA-256 is \(actual), the import pins \(inline.value)",
                    at: inline.range, notes: ["if the change is intended, update the pin"])
                return
            }
        } else if let pinned = loader.pins[path] {
            if pinned != actual {
                report(
                    .lockMismatch,
                    "import \(decl.name.name) \"\(written)\" does not match kgit.lock: the file's SHA-256 is \(actual), kgit.lock pins \(pinned)",
                    at: decl.path.range, notes: ["if the change is intended, run `kgit lock` to update kgit.lock"])
                return
            }
        } else {
            report(
                .lockMismatch, "import \(decl.name.name) \"\(written)\" is not pinned: kgit.lock has no entry for \(path)",
                at: decl.path.range, notes: ["run `kgit lock` to pin it (its SHA-256 is \(actual))"])
            return
        }
        if isCRD {
            let loaded = CustomResourceSchemas.load(bytes, file: path)
            for problem in loaded.problems {
                report(.invalidImport, "\(path): \(problem)", at: decl.path.range)
            }
            var kinds: [String: CustomResourceSchemas.Kind] = [:]
            for kind in loaded.kinds where kinds[kind.kind.kind] == nil || kind.storage {
                kinds[kind.kind.kind] = kind
            }
            if kinds.isEmpty, loaded.problems.isEmpty {
                report(.invalidImport, "\(path) defines no CustomResourceDefinition", at: decl.path.range)
            }
            customKinds[decl.name.name] = kinds
            return
        }
        if let foreign, foreign != .crd {
            // Files its `$ref`s name are pinned like imports (in kgit.lock) and read through the loader.
            let pins = loader.pins
            let unpinned = acceptUnpinned
            var referenced: [(path: String, bytes: [UInt8])] = []
            let read: (String) -> Result<[UInt8], SchemaDocument.ReadError> = { file in
                guard let bytes = loader.bytes(file) else {
                    return .failure(.init("cannot read \(file) (relative to \(loader.root))"))
                }
                referenced.append((file, bytes))
                let actual = ImportLoader.sha256(bytes)
                if unpinned { return .success(bytes) }
                guard let pinned = pins[file] else {
                    return .failure(.init("\(file) is not pinned: kgit.lock has no entry for it (run `kgit lock`; its SHA-256 is \(actual))"))
                }
                guard pinned == actual else {
                    return .failure(.init("\(file) does not match kgit.lock: the file's SHA-256 is \(actual), kgit.lock pins \(pinned)"))
                }
                return .success(bytes)
            }
            let loaded = SchemaDocument.load(bytes, kind: foreign == .openAPI ? .openAPI : .jsonSchema, file: path, read: read)
            importedFiles += referenced
            schemaDocuments += referenced.map(\.path)
            for problem in loaded.problems {
                report(
                    .unsupportedSchema, "\(problem.file):\(problem.mark): \(problem.message) (at \(problem.pointer))",
                    at: decl.path.range)
            }
            // The types are entry points of the document's graph: keep them, and use what they stand for.
            graph.retain(loaded.types.values)
            modules[decl.name.name] = loaded.types.mapValues { entry in
                if case .reference(let reference) = entry.shape, let target = reference.target { return target }
                return entry
            }
            if !loaded.problems.isEmpty { refusedModules.insert(decl.name.name) }
            return
        }
        let source = String(decoding: bytes, as: UTF8.self)
        let parsed = ParsedFile(source: source, file: path)
        guard parsed.isValid else {
            diagnostics += parsed.diagnostics
            modules[decl.name.name] = [:]
            return
        }
        var nested = TypeCompiler(file: path, source: bytes)
        nested.loader = loader
        nested.importStack = importStack + [path]
        nested.acceptUnpinned = acceptUnpinned
        let types = nested.compile(parsed.module)
        graph.retain(nested.graph)
        declaredBounds.merge(nested.declaredBounds) { mine, _ in mine }
        diagnostics += nested.diagnostics
        importedFiles += nested.importedFiles
        schemaDocuments += nested.schemaDocuments
        modules[decl.name.name] = types
    }
}
