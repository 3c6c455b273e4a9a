import ArgumentParser
import Foundation
import KgitClient
import KgitSync
import KgitYAML

/// `kgit status`: the health of what kgit synced.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the health of the objects kgit synced, worst first.",
        discussion: """
            Reads the inventories kgit sync stored (ConfigMaps kgit-system/kgit-inventory-NAME) and assesses each \
            object the way Argo CD does: Deployments, StatefulSets and DaemonSets by their rollout, Pods by phase \
            and restarts, Jobs by completion, Services by their load balancer, custom resources by their Ready \
            condition. An object kgit applied that is gone is Missing. A sync's health is its worst object's.

            Exit status: 0 shown, 2 the cluster cannot be reached or no sync has that name.

            Examples:
              kgit status --kubeconfig ./cluster/kubeconfig
              kgit status --name shop -o yaml
            """
    )

    @Option(help: "Only the sync with this name.")
    var name: String?

    @Option(name: [.short, .long], help: "Output format: table, yaml or json.")
    var output: StatusFormat = .table

    @Option(help: "The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context (default: its current-context).")
    var context: String?

    enum StatusFormat: String, ExpressibleByArgument, CaseIterable { case table, yaml, json }

    struct SyncHealth {
        var name: String
        var inventory: Inventory
        var health: [ObjectIdentity: HealthAssessment]
    }

    func run() async throws {
        let client: DynamicClient
        do {
            client = try DynamicClient(connection: Kubeconfig.load(explicitPath: kubeconfig).connection(context: context))
        } catch {
            throw ExitWith(message: "kgit status: \(error)", code: 2)
        }
        let cluster = KubernetesClusterClient(client: client)
        var syncs: [SyncHealth] = []
        do {
            let names: [String]
            if let name {
                names = [name]
            } else {
                let maps = try await cluster.list(
                    group: "", version: "v1", kind: "ConfigMap", namespace: InventoryStore.namespace,
                    labelSelector: "kgit.dev/sync-name")
                names = maps.compactMap {
                    if case .string(let value)? = $0["metadata"]?["labels"]?["kgit.dev/sync-name"] { return value }
                    return nil
                }.sorted()
            }
            for name in names {
                let engine = SyncEngine(client: cluster, options: SyncOptions(name: name))
                let (inventory, health) = try await engine.status()
                if inventory.revision.isEmpty && inventory.objects.isEmpty {
                    throw ExitWith(message: "kgit status: no sync named \"\(name)\" (no ConfigMap \(InventoryStore.namespace)/kgit-inventory-\(name))", code: 2)
                }
                syncs.append(SyncHealth(name: name, inventory: inventory, health: health))
            }
        } catch let exit as ExitWith {
            throw exit
        } catch {
            throw ExitWith(message: "kgit status: \(error)", code: 2)
        }
        switch output {
        case .table: print(Self.table(syncs), terminator: "")
        case .yaml: print(YAMLEmitter().yaml(Self.value(syncs)), terminator: "")
        case .json: print(YAMLEmitter(prettyJSON: true).json(Self.value(syncs)))
        }
    }

    /// Objects worst first, then by identity.
    static func ordered(_ health: [ObjectIdentity: HealthAssessment]) -> [(ObjectIdentity, HealthAssessment)] {
        health.sorted { a, b in a.value.status != b.value.status ? a.value.status > b.value.status : a.key < b.key }
    }

    static func table(_ syncs: [SyncHealth]) -> String {
        if syncs.isEmpty { return "no syncs found (kgit sync records them in namespace \(InventoryStore.namespace))\n" }
        var rows: [[String]] = [["SYNC", "REVISION", "OBJECTS", "HEALTH", "MESSAGE"]]
        for sync in syncs {
            let combined = HealthAssessment.combined(sync.health)
            rows.append([
                sync.name, String(sync.inventory.revision.prefix(12)), String(sync.inventory.objects.count),
                combined.status.rawValue, combined.status == .healthy ? "" : combined.message,
            ])
        }
        var text = render(rows)
        for sync in syncs {
            text += "\n"
            var objects: [[String]] = [["OBJECT", "HEALTH", "MESSAGE"]]
            for (identity, assessment) in ordered(sync.health) {
                objects.append([identity.path, assessment.status.rawValue, assessment.message])
            }
            text += "sync \(sync.name):\n" + render(objects)
        }
        return text
    }

    static func render(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }.joined().trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func value(_ syncs: [SyncHealth]) -> YAMLValue {
        .mapping([
            .init(
                key: "syncs",
                value: .sequence(
                    syncs.map { sync in
                        let combined = HealthAssessment.combined(sync.health)
                        return .mapping([
                            .init(key: "name", value: .string(sync.name)),
                            .init(key: "revision", value: .string(sync.inventory.revision)),
                            .init(key: "health", value: .string(combined.status.rawValue)),
                            .init(key: "message", value: .string(combined.message)),
                            .init(
                                key: "objects",
                                value: .sequence(
                                    ordered(sync.health).map { identity, assessment in
                                        .mapping([
                                            .init(key: "apiVersion", value: .string(identity.apiVersion)),
                                            .init(key: "kind", value: .string(identity.kind)),
                                            .init(key: "namespace", value: .string(identity.namespace)),
                                            .init(key: "name", value: .string(identity.name)),
                                            .init(key: "health", value: .string(assessment.status.rawValue)),
                                            .init(key: "message", value: .string(assessment.message)),
                                        ])
                                    })),
                        ])
                    })),
        ])
    }
}
