import Foundation
import SyncCore
import Testing

/// A small criteria set: two areas, five sub-criteria, 10 points.
let smallCriteria = CriteriaSet(title: "Bộ tiêu chí thử", criteria: [
    Criterion(id: "1", title: "Chỉ đạo, điều hành", max: 4, criteria: [
        Criterion(id: "1.1", title: "Kế hoạch", max: 3, criteria: [
            Criterion(id: "1.1.1", title: "Ban hành kế hoạch CCHC", max: 1, evidence: true, step: 0.5),
            Criterion(id: "1.1.2", title: "Báo cáo định kỳ", max: 2, step: 0.25),
        ]),
        Criterion(id: "1.2", title: "Tuyên truyền", max: 1),
    ]),
    Criterion(id: "2", title: "Thủ tục hành chính", max: 6, criteria: [
        Criterion(id: "2.1", title: "Công khai", max: 2.5),
        Criterion(id: "2.2", title: "Hồ sơ đúng hạn", max: 3.5),
    ]),
])

@Suite("PAR INDEX self-assessment")
struct AssessmentTests {
    @Test("the shipped example set loads: nine areas with the 2022 maxima, 99.5 points, every sub-criterion valid")
    func exampleSet() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/criteria-example.json").path
        let set = try CriteriaSet.load(path: path)
        #expect(set.areas.map(\.max) == [10, 7, 15, 9, 10, 8.5, 11, 20, 9])
        #expect(set.max == 99.5)
        #expect(set.leaves.count > 9)
        #expect(set.title.contains("VÍ DỤ"))
        #expect(try CriteriaSet(encoded: try set.encoded()) == set)
    }

    @Test("a set whose maxima do not add up, with a misplaced id, or a step that does not divide its maximum is refused")
    func invalidSets() throws {
        var wrongSum = smallCriteria
        wrongSum.criteria[1].max = 7
        #expect(throws: SyncError.self) { try wrongSum.validate() }
        var misplaced = smallCriteria
        misplaced.criteria[0].criteria![1].id = "2.9"
        #expect(throws: SyncError.self) { try misplaced.validate() }
        var badStep = smallCriteria
        badStep.criteria[0].criteria![0].criteria![1].step = 0.3
        #expect(throws: SyncError.self) { try badStep.validate() }
        try smallCriteria.validate()
    }

    @Test("a score must lie between 0 and the maximum and be a multiple of the step")
    func scoreRules() throws {
        let leaf = try #require(smallCriteria.leaf("1.1.2"))
        #expect(leaf.problem(with: 1.75) == nil)
        #expect(leaf.problem(with: 2) == nil)
        #expect(leaf.problem(with: 2.25) != nil)
        #expect(leaf.problem(with: -0.25) != nil)
        #expect(leaf.problem(with: 1.1) != nil)
        #expect(smallCriteria.leaf("1.2")?.problem(with: 0.37) == nil)
        #expect(Points.parse("8,5") == 8.5)
        #expect(Points.text(8.5) == "8,5")
        #expect(Points.text(10) == "10")
        #expect(Points.text(0.05) == "0,05")
        #expect(Points.text(-2.25) == "-2,25")
        #expect(Points.text(7.125) == "7,125")
        #expect(Points.text(1.0004) == "1")
        #expect(Points.text(0.1 + 0.2) == "0,3")
        #expect(Points.text(120.007) == "120,007")
    }

    @Test("appraised assessments are ranked by appraised total, ties sharing a rank; the others are not ranked")
    func ranking() throws {
        func assessment(_ code: String, _ scores: [String: Double], state: AssessmentState) -> CommuneAssessment {
            var fields: [String: FieldValue] = [:]
            if state != .draft { fields["submitted"] = .int(1) }
            if state == .appraised || state == .returned { fields["decided"] = .int(1); fields["decision"] = .text(state == .appraised ? "appraised" : "returned") }
            return CommuneAssessment(code: code, name: code, year: 2026, version: 1, set: smallCriteria,
                                     scores: scores.mapValues { ["score": FieldValue.number($0)] }, assessment: fields, files: [:])
        }
        let ranked = CommuneAssessment.ranked([
            assessment("a", ["1.1.1": 1, "2.1": 2.5], state: .appraised),
            assessment("b", ["1.1.1": 1, "2.2": 3.5], state: .appraised),
            assessment("c", ["2.2": 3.5, "1.1.2": 1], state: .appraised),
            assessment("d", ["2.1": 2], state: .appraised),
            assessment("e", ["1.1.1": 1, "2.1": 2.5, "2.2": 3.5], state: .submitted),
        ])
        #expect(ranked.map(\.appraisedTotal) == [3.5, 4.5, 4.5, 2, 7])
        #expect(ranked.map(\.rank) == [3, 1, 1, 4, nil])
        #expect(AssessmentState(fields: [:]) == .draft)
        #expect(AssessmentState(fields: ["submitted": .int(2), "decided": .int(1), "decision": .text("returned")]) == .submitted)
    }

    /// A district with the small set imported for 2026, and a synced node of Long Đống.
    static func district() async throws -> (District, Replica) {
        let district = try await District()
        #expect(try await district.hub.importCriteria(smallCriteria, year: 2026, actor: "test") == .newVersion(1))
        let node = try await district.node("long-dong")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        return (district, node)
    }

    static func scoreAll(_ node: Replica, except skipped: Set<String> = []) async throws {
        for leaf in smallCriteria.leaves where !skipped.contains(leaf.id) {
            try await node.store.assess(criterion: leaf.id, year: 2026, score: leaf.max, explain: "Giải trình \(leaf.id)", by: "Nguyễn Văn An")
        }
    }

    @Test("the hub refuses a node's appraisal fields, another commune's scores, scores off the set and edits after submitting; each refusal is audited")
    func hubRefusals() async throws {
        let (district, node) = try await Self.district()
        try await Self.scoreAll(node)
        let writes = [
            FieldWrite(collection: "scores", record: "long-dong/2026/1.1.2", field: "appraised", value: .number(0)),
            FieldWrite(collection: "scores", record: "bac-quynh/2026/1.1.2", field: "score", value: .number(1)),
            FieldWrite(collection: "scores", record: "long-dong/2026/1.1.2", field: "score", value: .number(9)),
            FieldWrite(collection: "scores", record: "long-dong/2026/1.9", field: "score", value: .number(1)),
            FieldWrite(collection: "scores", record: "long-dong/2027/1.2", field: "score", value: .number(1)),
            FieldWrite(collection: "assessments", record: "long-dong/2026", field: "rank", value: .int(1)),
        ]
        for write in writes { try await node.store.record([write], actor: "Kẻ lạ", node: node.identity.node) }
        _ = try await node.store.submitAssessment(year: 2026, by: "Nguyễn Văn An")
        // Written past the agent's own check, as a second PC that had not heard of the submission would.
        try await node.store.record([FieldWrite(collection: "scores", record: "long-dong/2026/1.2", field: "score", value: .number(0))],
                                    actor: "Lê Thị Bình", node: node.identity.node)
        let summary = try await node.client(district.transport).syncUntilDrained(token: node.token)
        #expect(summary.rejected == 7)
        let refused = try await district.hub.audit().filter { $0.outcome == .rejected }.map(\.reasonCode)
        #expect(refused == ["district_only", "out_of_scope", "invalid_value", "unknown_criterion", "unknown_criterion", "district_only", "assessment_closed"])
        let atHub = try #require(try await district.hub.assessments(year: 2026)?.communes.first { $0.code == "long-dong" })
        #expect(atHub.state == .submitted)
        #expect(atHub.selfTotal == 10)
        #expect(atHub.criteria["1.1.2"]?.appraised == nil)
        // The agent refuses the same edit itself, and the refused writes left its state.
        await #expect(throws: SyncError.self) {
            try await node.store.assess(criterion: "1.2", year: 2026, score: 0, explain: nil, by: "Nguyễn Văn An")
        }
        #expect(try await node.store.assessment(year: 2026).0.criteria["1.2"]?.selfScore == 1)
    }

    @Test("a commune's edit and the district's appraisal of one sub-criterion made at the same time both survive, on both sides")
    func concurrentEditAndAppraisal() async throws {
        let (district, node) = try await Self.district()
        try await Self.scoreAll(node)
        _ = try await node.store.submitAssessment(year: 2026, by: "Nguyễn Văn An")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        try await district.hub.decide(commune: "long-dong", year: 2026, .returned, note: "Bổ sung minh chứng 1.1.2", by: "Tổ thẩm định")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        #expect(try await node.store.assessment(year: 2026).0.state == .returned)

        // Offline at the commune, and at the district, at the same moment.
        try await node.store.assess(criterion: "1.1.2", year: 2026, score: 1.5, explain: "Thiếu báo cáo quý I", by: "Nguyễn Văn An")
        try await district.hub.appraise(commune: "long-dong", year: 2026,
                                        [Appraisal(criterion: "1.1.2", score: 1, comment: "Thiếu 2 báo cáo quý")], by: "Tổ thẩm định")
        try await node.client(district.transport).syncUntilDrained(token: node.token)

        let expected: [String: FieldValue] = [
            "score": .number(1.5), "explain": .text("Thiếu báo cáo quý I"), "version": .int(1), "by": .text("Nguyễn Văn An"),
            "appraised": .number(1), "comment": .text("Thiếu 2 báo cáo quý"), "appraised_by": .text("Tổ thẩm định"),
        ]
        #expect(try await district.hub.fields(of: .scores, record: "long-dong/2026/1.1.2") == expected)
        #expect(try await node.store.fields(of: .scores, record: "long-dong/2026/1.1.2") == expected)
        let history = try await district.hub.scoreHistory(commune: "long-dong", year: 2026, criterion: "1.1.2")
        #expect(history.map(\.field).filter { $0 == "score" || $0 == "appraised" } == ["score", "appraised", "score"])
        #expect(history.allSatisfy { $0.outcome == .applied })
    }

    @Test("a set is corrected in place until a commune scores against it; then a correction is a new version")
    func setVersions() async throws {
        let (district, node) = try await Self.district()
        var corrected = smallCriteria
        corrected.criteria[1].criteria![0].title = "Công khai thủ tục hành chính"
        #expect(try await district.hub.importCriteria(corrected, year: 2026, actor: "test") == .replaced(version: 1))
        #expect(try await district.hub.importCriteria(corrected, year: 2026, actor: "test") == .unchanged(version: 1))
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        try await node.store.assess(criterion: "2.1", year: 2026, score: 2, explain: nil, by: "Nguyễn Văn An")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        corrected.criteria[1].criteria![0].guidance = "Niêm yết đủ thủ tục: 2,5 điểm."
        #expect(try await district.hub.importCriteria(corrected, year: 2026, actor: "test") == .newVersion(2))
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        #expect(try await node.store.criteriaSet(year: 2026)?.version == 2)
        #expect(try await node.store.assessment(year: 2026).0.criteria["2.1"]?.version == 1)
    }
}
