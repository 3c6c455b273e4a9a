/// The stable codes of KGL diagnostics, each with the paragraph `kgit explain CODE` prints.
///
/// Codes follow the project's convention (kebab-case, as `KgitSchema.DiagnosticCode` does for
/// manifests), with a `kgl-` prefix so the two catalogs never collide. A code never changes meaning
/// once released; a retired code stays in the catalog, marked so.
public enum KGLDiagnosticCode: String, Sendable, CaseIterable {
    case invalidCharacter = "kgl-invalid-character"
    case unterminatedString = "kgl-unterminated-string"
    case invalidEscape = "kgl-invalid-escape"
    case invalidNumber = "kgl-invalid-number"

    case unexpectedToken = "kgl-unexpected-token"
    case unclosedDelimiter = "kgl-unclosed-delimiter"
    case nestingTooDeep = "kgl-nesting-too-deep"
    case misplacedDeclaration = "kgl-misplaced-declaration"

    case unknownType = "kgl-unknown-type"
    case duplicateType = "kgl-duplicate-type"
    case duplicateField = "kgl-duplicate-field"
    case refinementAddsField = "kgl-refinement-adds-field"
    case invalidConstraint = "kgl-invalid-constraint"
    case invalidPattern = "kgl-invalid-pattern"
    case notSupportedYet = "kgl-not-supported-yet"
    case invalidDefault = "kgl-invalid-default"
    case invalidImport = "kgl-invalid-import"
    case invalidBinding = "kgl-invalid-binding"
    case invalidRule = "kgl-invalid-rule"
    case unionNotDiscriminable = "kgl-union-not-discriminable"
    case lockMismatch = "kgl-lock-mismatch"
    case refinementWidens = "kgl-refinement-widens"
    case unsupportedSchema = "kgl-unsupported-schema"

    case duplicateEnvironment = "kgl-duplicate-environment"
    case unknownEnvironment = "kgl-unknown-environment"
    case environmentCycle = "kgl-environment-cycle"
    case invalidPatchPath = "kgl-invalid-patch-path"
    case conflictingPatch = "kgl-conflicting-patch"
    case finalOverridden = "kgl-final-overridden"
    case unknownPatchField = "kgl-unknown-patch-field"
    case invalidPatchValue = "kgl-invalid-patch-value"
    case missingObject = "kgl-missing-object"
    case missingFile = "kgl-missing-file"
    case patchNotApplicable = "kgl-patch-not-applicable"

    /// The code as printed in diagnostics (`kgl-unexpected-token`).
    public var code: String { rawValue }

    /// A few words naming the problem.
    public var title: String {
        switch self {
        case .invalidCharacter: return "invalid character"
        case .unterminatedString: return "unterminated string"
        case .invalidEscape: return "invalid escape sequence"
        case .invalidNumber: return "invalid number"
        case .unexpectedToken: return "unexpected token"
        case .unclosedDelimiter: return "unclosed delimiter"
        case .nestingTooDeep: return "nesting too deep"
        case .misplacedDeclaration: return "misplaced declaration"
        case .unknownType: return "unknown type"
        case .duplicateType: return "duplicate type"
        case .duplicateField: return "duplicate field"
        case .refinementAddsField: return "refinement adds a field"
        case .invalidConstraint: return "invalid constraint"
        case .invalidPattern: return "invalid pattern"
        case .notSupportedYet: return "not supported yet"
        case .invalidDefault: return "invalid default"
        case .invalidImport: return "invalid import"
        case .invalidBinding: return "invalid binding"
        case .invalidRule: return "invalid rule"
        case .unionNotDiscriminable: return "union not discriminable"
        case .lockMismatch: return "import does not match its pin"
        case .refinementWidens: return "refinement widens"
        case .unsupportedSchema: return "schema keyword not supported"
        case .unknownPatchField: return "unknown field in patch"
        case .invalidPatchValue: return "invalid patch value"
        case .missingObject: return "patched object not found"
        case .missingFile: return "added file not found"
        case .patchNotApplicable: return "patch does not apply"
        case .duplicateEnvironment: return "duplicate environment"
        case .unknownEnvironment: return "unknown environment"
        case .environmentCycle: return "environment cycle"
        case .invalidPatchPath: return "invalid patch path"
        case .conflictingPatch: return "conflicting patch"
        case .finalOverridden: return "final value overridden"
        }
    }

    /// What the code means, why it is an error, and how to fix it: the text of `kgit explain CODE`.
    public var explanation: String {
        switch self {
        case .invalidCharacter:
            return """
                The source holds a character that cannot start any KGL token, such as `@`, `$` or a \
                non-ASCII letter outside a string or comment. Names are ASCII letters, digits and `_`; \
                put anything else inside a quoted string ("app.kubernetes.io/name") or a comment.
                """
        case .unterminatedString:
            return """
                A string was opened but not closed on the same line. Strings do not span lines: close \
                the `"` (or, for a raw string such as #"a\\d"#, the `"` followed by as many `#` as it \
                opened with) before the end of the line, and write a line break inside a string as `\\n`.
                """
        case .invalidEscape:
            return """
                A backslash inside a double-quoted string starts an escape, and only `\\"`, `\\\\`, \
                `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\u{1F600}` (one to six hex digits naming a \
                Unicode scalar) are escapes. For regular expressions, which are full of backslashes, use \
                a raw string: #"^\\d+$"#.
                """
        case .invalidNumber:
            return """
                A number is followed by letters that are not a Kubernetes quantity suffix. The binary \
                suffixes are Ki Mi Gi Ti Pi Ei, the decimal ones n u m k M G T P E, as in `8Gi` or \
                `500m`. Durations and other unit-bearing values are strings: write "30s".
                """
        case .unexpectedToken:
            return """
                The parser found a token where the grammar does not allow it; the message says what \
                it expected instead. A frequent cause is a line break in the middle of an expression: \
                a newline ends a member unless the line ends with an operator, so break long lines \
                after `&`, `|`, `&&` or `||`, not before. grammar/kgl.ebnf is the full syntax.
                """
        case .unclosedDelimiter:
            return """
                The file ended while a `{`, `[` or `(` was still open. The note points at the opening \
                delimiter; add its closing partner where the construct ends.
                """
        case .nestingTooDeep:
            return """
                Blocks, lists, parentheses or expressions are nested more deeply than the parser \
                allows, or types name types that name types more deeply than the checker follows (a \
                fixed bound of 64 that keeps checking fast and safe on any input). Name the inner \
                parts with `type` declarations instead of nesting them inline, and avoid long chains \
                of aliases.
                """
        case .misplacedDeclaration:
            return """
                A file starts with an optional `package` clause, then its `import` declarations, then \
                its `type`, `bind` and `env` declarations. A `package` clause after anything else, or \
                an `import` after a declaration, is an error: move it to the top of the file.
                """
        case .unknownType:
            return """
                A type expression names a type that is neither built in (bool, int, float, number, \
                string, any, Quantity, IntOrString, Port...) nor declared with `type` in the file. The \
                message suggests the closest known name when one is within two edits.
                """
        case .duplicateType:
            return """
                Two `type` declarations in one package have the same name. Types are referred to by \
                name, so each name may be declared once; rename or merge the declarations.
                """
        case .duplicateField:
            return """
                A block declares the same field twice (possibly through dotted paths such as `a.b` and \
                `a: { b: ... }`). Constraints on one field belong in one declaration: join them with `&`.
                """
        case .refinementAddsField:
            return """
                A refinement `Base { ... }` may only narrow Base: add constraints, defaults and rules, \
                or make optional fields required. It cannot add a field Base does not have, because \
                the result would accept objects Base rejects. The message suggests the closest field \
                of Base; to add fields, declare a new struct type instead.
                """
        case .invalidConstraint:
            return """
                A constraint does not fit the type it applies to: a bound such as `>=3` on a string, \
                `len(...)` on a number, a regular expression on a list, or a call with the wrong \
                arguments. Apply numeric bounds to int, float, number; patterns to string; len to \
                string, list and map types.
                """
        case .invalidPattern:
            return """
                The regular expression after `=~` or `!~` does not compile. Patterns use RE2 syntax, as \
                Kubernetes and CEL do; write them as raw strings (#"^\\d+$"#) so backslashes need no \
                escaping.
                """
        case .notSupportedYet:
            return """
                The construct is valid KGL but this version of kgit cannot check it yet (for example \
                types from imported packages, or element paths such as `items[*]` outside a \
                refinement). The file still parses and formats; the message names the construct.
                """
        case .invalidDefault:
            return """
                The default after `=` does not satisfy the field's own type, so the value kgit would \
                fill in when the field is absent would fail the check it is meant to pass. The message \
                gives the violated constraint; fix the default or the type.
                """
        case .invalidImport:
            return """
                The import path is not in a form kgit knows. Built-in Kubernetes API packs are \
                imported as "kgit:k8s@<minor>/<group>/<version>", for example "kgit:k8s@1.33/apps/v1", \
                with "core" as the group of the legacy core API ("kgit:k8s@1.33/core/v1"). Files are \
                imported as "crd:<file>" (the kinds of CustomResourceDefinitions), "openapi:<file>" \
                (the components.schemas of an OpenAPI 3 document), "jsonschema:<file>" (a JSON Schema: \
                its root as Root, and its $defs/definitions) or "<file>.kgl", relative to the \
                repository root; each is pinned by its SHA-256 in kgit.lock or with `sha256 "..."`.
                """
        case .invalidBinding:
            return """
                A `bind "glob" { A => B }` rule must select documents by a built-in kind on the left \
                (apps.Deployment, from an imported API pack) and name the type they are checked \
                against on the right. The glob must not be empty; `*` matches within one path \
                segment, `**` any number of segments, `?` one character.
                """
        case .invalidRule:
            return """
                A `rule` body (or its `when` guard) is not in the CEL subset kgit evaluates: \
                literals, `self` and macro variables, field selection, indexing, `has()`, `size()`, \
                `matches`, `startsWith`, `endsWith`, `contains`, comparisons, arithmetic, `&&`, `||`, \
                `!`, `in`, `?:`, and the macros all, exists, exists_one, map and filter. The error \
                points at the first character kgit could not read.
                """
        case .unionNotDiscriminable:
            return """
                A union of struct types must be discriminable, so the checker can pick one branch and \
                report errors against that branch only: every branch must have a required field with \
                the same name whose type is a literal (`type: "s3"`), with a different literal in each \
                branch. Add such a field, or use separate types.
                """
        case .lockMismatch:
            return """
                An imported file's SHA-256 is not the one pinned for it (by `sha256 "..."` on the \
                import, or in kgit.lock), so the file changed since it was pinned. Review the change, \
                then update the pin with `kgit lock` (which rewrites kgit.lock), or fix the import.
                """
        case .unsupportedSchema:
            return """
                An `openapi:` or `jsonschema:` import uses a JSON Schema keyword that kgit's schema model \
                cannot express (`prefixItems`, `dependentRequired`, `unevaluatedProperties`, `items` \
                as a list...), or a `$ref` kgit cannot follow (a URL, an absolute path, a path outside the \
                repository, a file that is missing or not pinned in kgit.lock, a pointer other than the root, \
                #/$defs/<name>, #/definitions/<name> or #/components/schemas/<name>). Rather than check less than the document says, kgit \
                refuses the import; the message gives the file, line and column, the keyword and its \
                JSON pointer. Rewrite the schema with supported keywords (patternProperties or \
                additionalProperties for typed extra fields, if/then/else for conditions), run \
                `kgit lock` for a referenced file, or describe the type in KGL instead.
                """
        case .refinementWidens:
            return """
                A refinement may only narrow its base type: a bound looser than the base's (`<=10` \
                where the base says `<=5`), a longer length limit, or allowing values the base's \
                enumeration excludes would admit values the base rejects. Tighten the constraint, or \
                leave it to the base.
                """
        case .unknownPatchField:
            return """
                A patch path names a field the target type does not have, so the patch would add a \
                field the API server rejects (or silently prunes). Patch paths are checked against the \
                target type before any layer is applied; the message suggests the closest field.
                """
        case .invalidPatchValue:
            return """
                The value a patch sets (or appends) does not fit the type of the field at its path. \
                It is checked before layers are merged, so the error points at the patch rather than \
                at the merged object; the message gives the violated constraint.
                """
        case .missingObject:
            return """
                A `patch` names an object (kind plus "namespace/name") that no layer below provides: \
                neither the base manifests nor an `add` of a lower layer. Check the name and namespace, \
                or add the object first.
                """
        case .missingFile:
            return """
                An `add "file.yaml"` names a file that is not among the manifests kgit was given. Paths \
                are matched exactly, or by their last components ("prod/pdb.yaml" matches \
                "envs/prod/pdb.yaml").
                """
        case .patchNotApplicable:
            return """
                The patch is well typed but does not fit the object as it is: a position beyond the \
                end of a list, or a path through a value of another shape than the type says (for \
                example a string where a mapping is expected). The message says which step failed.
                """
        case .duplicateEnvironment:
            return """
                Two `env` declarations have the same name. An environment is one layer in a stack \
                (`env prod extends staging`), so its name must say which layer it is; rename one or \
                merge their patches.
                """
        case .unknownEnvironment:
            return """
                `extends` names an environment that is not declared. Every stack starts at `base`, the \
                typed YAML in git, which needs no declaration; any other parent must be declared with \
                `env`. The message suggests the closest declared name.
                """
        case .environmentCycle:
            return """
                Environments extend each other in a circle (`a extends b`, `b extends a`), so there is \
                no order in which to apply their layers. Environments form a linear stack from `base`: \
                break the cycle by letting one of them extend `base` or another environment.
                """
        case .invalidPatchPath:
            return """
                A patch path must name one concrete node of one object: fields, positions in plain \
                lists, or elements of keyed lists by key (`containers[name="web"]`). `[*]` selects many \
                elements and belongs in types and `require` blocks, not in `patch` blocks.
                """
        case .conflictingPatch:
            return """
                One environment changes the same node of the same object twice, or changes a node and \
                something inside it (`spec.template = {...}` and `spec.template.spec.paused = true`), so \
                the result would depend on the order of statements. Set each path once per layer; \
                several `+=` appends to one list are allowed.
                """
        case .finalOverridden:
            return """
                A lower layer set this path with `final`, which forbids later layers to change it (or \
                anything inside it). The note names the layer that made it final. Remove the override, \
                or drop `final` in the lower layer if the value is meant to vary per environment.
                """
        }
    }

    /// The code whose printed form is `code` (case-insensitive), if any.
    public init?(code: String) {
        self.init(rawValue: code.lowercased())
    }

    /// True for errors found by the type checker, after parsing succeeded.
    public var isCheck: Bool {
        switch self {
        case .unknownType, .duplicateType, .duplicateField, .refinementAddsField, .invalidConstraint,
            .invalidPattern, .notSupportedYet, .invalidDefault, .duplicateEnvironment, .unknownEnvironment, .environmentCycle,
            .invalidPatchPath, .conflictingPatch, .finalOverridden, .invalidImport, .invalidBinding, .unknownPatchField,
            .invalidPatchValue, .missingObject, .missingFile, .patchNotApplicable, .invalidRule, .unionNotDiscriminable,
            .lockMismatch, .refinementWidens, .unsupportedSchema:
            return true
        default: return false
        }
    }

    /// True for errors found while reading characters into tokens (before any grammar applies).
    public var isLexical: Bool {
        switch self {
        case .invalidCharacter, .unterminatedString, .invalidEscape, .invalidNumber: return true
        default: return false
        }
    }
}
