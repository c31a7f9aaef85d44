import Foundation

/// One node of a criteria set (bộ tiêu chí): an area (lĩnh vực), a criterion (tiêu chí) or a
/// sub-criterion (tiêu chí thành phần). Leaves are what a commune scores; a parent's maximum is
/// the sum of its children's.
public struct Criterion: Codable, Sendable, Hashable {
    /// Dotted: `1`, `1.2`, `1.2.3`; a child's id is its parent's plus one number.
    public var id: String
    public var title: String
    /// Maximum points; halves and quarters occur.
    public var max: Double
    /// How to score it, as the province words it.
    public var guidance: String?
    /// Whether a score needs evidence files, or else a written explanation (giải trình).
    public var evidence: Bool?
    /// Scores must be multiples of this (e.g. 0.25), when set.
    public var step: Double?
    public var criteria: [Criterion]?

    public var children: [Criterion] { criteria ?? [] }
    public var isLeaf: Bool { children.isEmpty }
    public var requiresEvidence: Bool { evidence ?? false }

    public init(id: String, title: String, max: Double, guidance: String? = nil, evidence: Bool? = nil, step: Double? = nil,
                criteria: [Criterion]? = nil) {
        self.id = id
        self.title = title
        self.max = max
        self.guidance = guidance
        self.evidence = evidence
        self.step = step
        self.criteria = criteria
    }

    /// Why `score` is not a valid score for this sub-criterion, in an officer's words; nil when it is.
    public func problem(with score: Double) -> String? {
        guard score.isFinite, score >= 0, score <= max + Points.tolerance else {
            return "Điểm tiêu chí \(id) phải từ 0 đến \(Points.text(max)), không phải \(Points.text(score))."
        }
        if let step, !Points.isMultiple(score, of: step) {
            return "Điểm tiêu chí \(id) phải là bội số của \(Points.text(step)) (ví dụ 0; \(Points.text(step)); \(Points.text(min(max, step * 2))))."
        }
        return nil
    }
}

/// A province's criteria set for one year, as `district-hub criteria import` reads it
/// (`config/criteria-example.json` documents the format) and as the `criteria` collection
/// carries it, whole, in one field: a commune never sees half a set.
public struct CriteriaSet: Codable, Sendable, Hashable {
    public var title: String
    /// What the set is: e.g. that the shipped one is an example, or the decision that issued it.
    public var note: String?
    /// The areas, in order.
    public var criteria: [Criterion]

    public init(title: String, note: String? = nil, criteria: [Criterion]) {
        self.title = title
        self.note = note
        self.criteria = criteria
    }

    /// The largest encoded set the `criteria` collection carries.
    public static let maxEncodedBytes = 512 << 10

    public var areas: [Criterion] { criteria }

    /// Every sub-criterion a commune scores, in the set's order.
    public var leaves: [Criterion] {
        func collect(_ node: Criterion, into result: inout [Criterion]) {
            if node.isLeaf { result.append(node) } else { node.children.forEach { collect($0, into: &result) } }
        }
        var result: [Criterion] = []
        criteria.forEach { collect($0, into: &result) }
        return result
    }

    /// The sub-criterion with this id, if the set has one.
    public func leaf(_ id: some StringProtocol) -> Criterion? {
        leaves.first { $0.id == id }
    }

    /// The area a criterion id belongs to: its first number.
    public func area(of id: String) -> Criterion? {
        let first = id.split(separator: ".").first.map(String.init) ?? id
        return criteria.first { $0.id == first }
    }

    public var max: Double { Points.rounded(criteria.reduce(0) { $0 + $1.max }) }

    /// The set as stored in the `criteria` collection: compact, keys sorted, so the same set
    /// always encodes the same and re-importing it changes nothing.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public init(encoded text: String) throws {
        self = try JSONDecoder().decode(CriteriaSet.self, from: Data(text.utf8))
    }

    /// Reads and checks a set file. Text is normalised to NFC first.
    public static func load(path: String) throws -> CriteriaSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SyncError(.invalidInput, "cannot read \(path)")
        }
        var set: CriteriaSet
        do {
            set = try JSONDecoder().decode(CriteriaSet.self, from: data)
        } catch {
            throw SyncError(.invalidInput, "\(path) is not a criteria set (see config/criteria-example.json): \(error)")
        }
        set.normalize()
        try set.validate()
        return set
    }

    mutating func normalize() {
        func clean(_ node: inout Criterion) {
            node.id = node.id.cleanedInput
            node.title = node.title.cleanedInput
            node.guidance = node.guidance.map(\.cleanedInput).flatMap { $0.isEmpty ? nil : $0 }
            if var children = node.criteria {
                for index in children.indices { clean(&children[index]) }
                node.criteria = children.isEmpty ? nil : children
            }
        }
        title = title.cleanedInput
        note = note.map(\.cleanedInput)
        for index in criteria.indices { clean(&criteria[index]) }
    }

    /// Checks what a province's file must hold: dotted ids under their parent's, unique; titles;
    /// positive maxima, a parent's the sum of its children's; steps that divide the maximum.
    public func validate() throws {
        func fail(_ why: String) -> SyncError { SyncError(.invalidInput, "criteria set: \(why)") }
        guard !title.isEmpty, title.count <= 300 else { throw fail("the title must be 1–300 characters") }
        guard !criteria.isEmpty else { throw fail("no areas") }
        var seen = Set<String>()
        func check(_ node: Criterion, parent: String?, depth: Int) throws {
            guard Identifiers.isCriterionID(node.id) else { throw fail("\"\(node.id)\" is not an id like 1, 1.2 or 1.2.3") }
            let expectedPrefix = parent.map { $0 + "." } ?? ""
            guard node.id.hasPrefix(expectedPrefix), !node.id.dropFirst(expectedPrefix.count).contains(".") else {
                throw fail("\(node.id) must be \(parent.map { "a child id of \($0), like \($0).1" } ?? "an area id, like 1")")
            }
            guard seen.insert(node.id).inserted else { throw fail("id \(node.id) appears twice") }
            guard !node.title.isEmpty, node.title.count <= 1000, !node.title.hasControlCharacters else {
                throw fail("\(node.id) needs a title of 1–1000 characters")
            }
            guard (node.guidance?.count ?? 0) <= 4000 else { throw fail("\(node.id): guidance longer than 4000 characters") }
            guard node.max.isFinite, node.max > 0, node.max <= 1000 else { throw fail("\(node.id): max must be above 0 and at most 1000") }
            if let step = node.step {
                guard node.isLeaf else { throw fail("\(node.id): only sub-criteria (leaves) have a step") }
                guard step.isFinite, step > 0, Points.isMultiple(node.max, of: step) else {
                    throw fail("\(node.id): step \(step) must be above 0 and divide max \(node.max)")
                }
            }
            if !node.isLeaf {
                guard depth < 4 else { throw fail("\(node.id): at most four levels") }
                let sum = node.children.reduce(0) { $0 + $1.max }
                guard abs(sum - node.max) <= Points.tolerance else {
                    throw fail("\(node.id): max \(Points.text(node.max)) is not the sum of its children's (\(Points.text(sum)))")
                }
                for child in node.children { try check(child, parent: node.id, depth: depth + 1) }
            }
        }
        for area in criteria { try check(area, parent: nil, depth: 1) }
        guard try encoded().utf8.count <= Self.maxEncodedBytes else { throw fail("larger than \(Self.maxEncodedBytes >> 10) KB") }
    }
}

/// Points as the PAR INDEX writes them: decimals (halves, quarters, hundredths of a survey
/// score), compared and summed without binary fractions creeping into totals.
public enum Points {
    static let tolerance = 0.000_5

    /// Rounded to thousandths: what totals and comparisons use.
    public static func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }

    public static func isMultiple(_ value: Double, of step: Double) -> Bool {
        let quotient = value / step
        return abs(quotient - quotient.rounded()) * step <= tolerance
    }

    /// As Vietnamese documents write points: a decimal comma, no trailing zeros ("8,5", "10").
    /// By integer arithmetic on thousandths: an audit export writes a score on every row of
    /// a self-assessment's history.
    public static func text(_ value: Double) -> String {
        let scaled = (value * 1000).rounded()
        guard scaled.magnitude < 1e15 else { return String(format: "%.0f", value) }
        let thousandths = Int64(scaled)
        let whole = "\(thousandths < 0 ? "-" : "")\(thousandths.magnitude / 1000)"
        var fraction = thousandths.magnitude % 1000
        guard fraction != 0 else { return whole }
        var digits = 3
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let written = String(fraction)
        return whole + "," + String(repeating: "0", count: digits - written.count) + written
    }

    /// A score typed by a person: "8,5" or "8.5".
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        guard !trimmed.isEmpty, let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }
}
