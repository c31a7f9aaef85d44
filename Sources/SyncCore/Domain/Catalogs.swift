import Foundation

/// The district's task list as shipped in `config/tasks.json`: the notice's tasks.
public struct TaskCatalog: Decodable, Sendable {
    public struct Entry: Decodable, Sendable {
        public var id: String
        public var title: String
        public var source: String?
        public var deadline: String?
        public var communes: TaskAssignment
        public var offices: [String]?
        public var index: String?
        public var detail: String?
        /// The plan's year; the catalog's when not given.
        public var plan: Int?
        /// The plan's document; the catalog's `source` when not given.
        public var planSource: String?

        enum CodingKeys: String, CodingKey {
            case id, title, source, deadline, communes, offices, index, detail, plan
        }

        public init(id: String, title: String, source: String?, deadline: String?, communes: TaskAssignment,
                    offices: [String]?, index: String?, detail: String?) {
            self.id = id
            self.title = title
            self.source = source
            self.deadline = deadline
            self.communes = communes
            self.offices = offices
            self.index = index
            self.detail = detail
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            title = try container.decode(String.self, forKey: .title)
            source = try container.decodeIfPresent(String.self, forKey: .source)
            deadline = try container.decodeIfPresent(String.self, forKey: .deadline)
            offices = try container.decodeIfPresent([String].self, forKey: .offices)
            index = try container.decodeIfPresent(String.self, forKey: .index)
            detail = try container.decodeIfPresent(String.self, forKey: .detail)
            plan = try container.decodeIfPresent(Int.self, forKey: .plan)
            if let star = try? container.decode(String.self, forKey: .communes), star == "*" {
                communes = .everyCommune
            } else {
                communes = .communes(try container.decodeIfPresent([String].self, forKey: .communes) ?? [])
            }
        }

        /// The task as field writes, validated.
        public func writes() throws -> [FieldWrite] {
            guard Identifiers.isTaskID(id) else { throw SyncError(.invalidInput, "invalid task id \(id)") }
            if case .communes(let codes) = communes, let bad = codes.first(where: { !Identifiers.isCommuneCode($0) }) {
                throw SyncError(.invalidInput, "task \(id): invalid commune code \(bad)")
            }
            var values: [(String, FieldValue)] = [
                ("communes", .text(communes.encoded)),
                ("title", .text(title.cleanedInput)),
                ("source", source.map { .text($0.cleanedInput) } ?? .null),
                ("deadline", deadline.map { .text($0) } ?? .null),
                ("offices", .text(JSON.string((offices ?? []).map(\.cleanedInput)))),
                ("detail", detail.map { .text($0.cleanedInput) } ?? .null),
            ]
            if let index { values.append(("index", .text(index))) }
            if let plan { values.append(("plan", .int(Int64(plan)))) }
            if let planSource { values.append(("plan_source", .text(planSource.cleanedInput))) }
            let writes = values.map { FieldWrite(collection: RecordCollection.tasks.rawValue, record: id, field: $0.0, value: $0.1) }
            for write in writes {
                do {
                    try Schema.validate(write.value, field: write.field, in: .tasks)
                } catch let error as SyncError {
                    throw SyncError(error.code, "task \(id): \(error.message)")
                }
            }
            return writes
        }
    }

    /// The document that set these tasks: the plan's source.
    public var source: String?
    /// The year of the plan the tasks belong to.
    public var plan: Int?
    public var tasks: [Entry]

    public static func load(path: String) throws -> TaskCatalog {
        try decodeFile(TaskCatalog.self, path: path)
    }
}

/// The district's communes as shipped in `config/communes.json`.
public struct CommuneCatalog: Decodable, Sendable {
    public struct Entry: Decodable, Sendable {
        public var code: String
        public var name: String
    }

    public var district: String?
    public var province: String?
    public var communes: [Entry]

    public static func load(path: String) throws -> CommuneCatalog {
        try decodeFile(CommuneCatalog.self, path: path)
    }

    public func writes() throws -> [FieldWrite] {
        try communes.map { entry in
            guard Identifiers.isCommuneCode(entry.code) else {
                throw SyncError(.invalidInput, "invalid commune code \(entry.code)")
            }
            let write = FieldWrite(collection: RecordCollection.communes.rawValue, record: entry.code, field: "name",
                                   value: .text(entry.name.cleanedInput))
            try Schema.validate(write.value, field: "name", in: .communes)
            return write
        }
    }
}

private func decodeFile<T: Decodable>(_ type: T.Type, path: String) throws -> T {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw SyncError(.invalidInput, "cannot read \(path)")
    }
    do {
        return try JSONDecoder().decode(type, from: data)
    } catch {
        throw SyncError(.invalidInput, "\(path) is not a valid \(T.self) file: \(error)")
    }
}

extension HubStore {
    /// Imports tasks, writing only what differs from the merged state, so importing the same
    /// file twice changes nothing and sends nothing. Returns how many fields changed.
    @discardableResult
    public func importTasks(_ catalog: TaskCatalog, actor: String) async throws -> Int {
        var changed: [FieldWrite] = []
        for var entry in catalog.tasks {
            entry.plan = entry.plan ?? catalog.plan
            entry.planSource = entry.planSource ?? catalog.source
            changed += try await changedWrites(of: entry)
        }
        try await recordDistrict(changed, actor: actor)
        return changed.count
    }

    /// Creates or edits one task (the dashboard's form); returns how many fields changed.
    @discardableResult
    public func saveTask(_ entry: TaskCatalog.Entry, actor: String) async throws -> Int {
        let changed = try await changedWrites(of: entry)
        try await recordDistrict(changed, actor: actor)
        return changed.count
    }

    private func changedWrites(of entry: TaskCatalog.Entry) async throws -> [FieldWrite] {
        let current = try await fields(of: .tasks, record: entry.id)
        return try entry.writes().filter { current[$0.field] != $0.value && !(current[$0.field] == nil && $0.value.isNull) }
    }

    @discardableResult
    public func importCommunes(_ catalog: CommuneCatalog, actor: String) async throws -> Int {
        let current = try await records(of: .communes)
        let changed = try catalog.writes().filter { current[$0.record]?[$0.field] != $0.value }
        try await recordDistrict(changed, actor: actor)
        return changed.count
    }
}
