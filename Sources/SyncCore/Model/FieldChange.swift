/// One write of one field of one record, as it travels between replicas.
public struct FieldChange: Hashable, Sendable {
    public var collection: String
    public var record: String
    public var field: String
    public var value: FieldValue
    public var stamp: Stamp
    /// The person who made the change (an officer's name, or a district account).
    public var actor: String

    public init(collection: String, record: String, field: String, value: FieldValue, stamp: Stamp, actor: String) {
        self.collection = collection
        self.record = record
        self.field = field
        self.value = value
        self.stamp = stamp
        self.actor = actor
    }

    public var key: FieldKey { FieldKey(collection: collection, record: record, field: field) }
}

/// Which field a change writes.
public struct FieldKey: Hashable, Sendable, CustomStringConvertible {
    public var collection: String
    public var record: String
    public var field: String

    public init(collection: String, record: String, field: String) {
        self.collection = collection
        self.record = record
        self.field = field
    }

    public var description: String { "\(collection)/\(record).\(field)" }
}

/// A field write as a caller asks for it, before the store stamps it.
public struct FieldWrite: Hashable, Sendable {
    public var collection: String
    public var record: String
    public var field: String
    public var value: FieldValue

    public init(collection: String, record: String, field: String, value: FieldValue) {
        self.collection = collection
        self.record = record
        self.field = field
        self.value = value
    }
}
