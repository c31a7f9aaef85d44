import ArgumentParser
import CLISupport
import SyncCore

struct Tasks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the district's tasks.", subcommands: [ImportTasks.self])
}

struct ImportTasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import tasks from a JSON file such as config/tasks.json.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The tasks file.")
    var path: String

    func run() async throws {
        let catalog = try TaskCatalog.load(path: path)
        let changed = try await store.create(HubStore.self).importTasks(catalog, actor: "district-hub tasks import")
        print("imported \(catalog.tasks.count) tasks (\(changed) fields changed)")
    }
}

struct Communes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the district's communes.", subcommands: [ImportCommunes.self])
}

struct ImportCommunes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import communes from a JSON file such as config/communes.json.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The communes file.")
    var path: String

    func run() async throws {
        let catalog = try CommuneCatalog.load(path: path)
        let changed = try await store.create(HubStore.self).importCommunes(catalog, actor: "district-hub communes import")
        print("imported \(catalog.communes.count) communes (\(changed) fields changed)")
    }
}
