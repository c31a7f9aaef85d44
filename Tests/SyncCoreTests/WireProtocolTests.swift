import Foundation
import SyncCore
import Testing

@Suite("Wire protocol")
struct WireProtocolTests {
    static let changes = [
        PushedChange(seq: 7, collection: "progress", record: "long-dong/4.1", field: "status", value: .text("in_progress"),
                     hlc: HLC(wall: 1_767_225_600_000, counter: 0), actor: "Nguyễn Văn An"),
        PushedChange(seq: 8, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(40),
                     hlc: HLC(wall: 1_767_225_600_000, counter: 3), actor: "Nguyễn Văn An"),
        PushedChange(seq: 12, collection: "equipment", record: "long-dong/printer", field: "cost", value: .real(1.5),
                     hlc: HLC(wall: 1_767_225_500_000, counter: 0), actor: "Trần Thị Bình"),
        PushedChange(seq: 13, collection: "progress", record: "long-dong/4.3", field: "note", value: .null,
                     hlc: HLC(wall: 1_767_225_700_000, counter: 0), actor: "Trần Thị Bình"),
    ]

    @Test("protocol 2 sends changes as columns of differences and reads back exactly what was sent")
    func columnsRoundTrip() throws {
        let request = SyncRequest(node: "n-1", commune: "long-dong", clock: 5, cursor: 9, pullLimit: 10, changes: Self.changes)
        #expect(request.protocolVersion == 2)
        let data = try WireCoding.encode(request)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let columns = try #require(json["changes"] as? [String: Any])
        #expect(columns["s"] as? [Int] == [7, 1, 4, 1])
        #expect(columns["w"] as? [Int] == [1_767_225_600_000, 0, -100_000, 200_000])
        #expect(columns["n"] as? [Int] == [0, 3, 0, 0])
        #expect(try WireCoding.decode(SyncRequest.self, from: data) == request)

        let pulled = Self.changes.map { change in
            PulledChange(hubSeq: change.seq * 10, change: FieldChange(
                collection: change.collection, record: change.record, field: change.field, value: change.value,
                stamp: Stamp(hlc: change.hlc, node: "district"), actor: change.actor))
        }
        let response = SyncResponse(commune: "long-dong", clock: 1, acked: 13, rejected: [], restamped: [],
                                    changes: pulled, cursor: 130, more: false)
        let answer = try WireCoding.encode(response)
        let answerJSON = try #require(try JSONSerialization.jsonObject(with: answer) as? [String: Any])
        #expect((answerJSON["changes"] as? [String: Any])?["o"] as? [String] == Array(repeating: "district", count: 4))
        #expect(try WireCoding.decode(SyncResponse.self, from: answer) == response)
    }

    @Test("counters are left out when all are zero")
    func zeroCountersOmitted() throws {
        let request = SyncRequest(node: "n-1", commune: "long-dong", clock: 5, cursor: 0, changes: [Self.changes[0], Self.changes[2]])
        let json = try #require(try JSONSerialization.jsonObject(with: try WireCoding.encode(request)) as? [String: Any])
        #expect((json["changes"] as? [String: Any])?["n"] == nil)
        #expect(try WireCoding.decode(SyncRequest.self, from: try WireCoding.encode(request)) == request)
    }

    @Test("the hub still answers a protocol 1 agent, in protocol 1")
    func protocolOneAgent() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let protocolOne = """
            {"protocol": 1, "node": "\(node.identity.node)", "commune": "long-dong", "clock": \(District.epoch), "cursor": 0,
             "changes": [{"s": 1, "c": "progress", "r": "long-dong/4.1", "f": "percent", "v": 30,
                          "w": \(District.epoch), "n": 0, "a": "Nguyễn Văn An"}]}
            """
        let request = try WireCoding.decode(SyncRequest.self, from: Data(protocolOne.utf8))
        #expect(request.protocolVersion == 1 && request.changes.count == 1)
        let result = try await district.hub.exchange(request, from: try district.hub.authenticate(token: node.token))
        #expect(result.applied == 1)
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1")["percent"] == .int(30))

        let answer = try #require(try JSONSerialization.jsonObject(with: try WireCoding.encode(result.response)) as? [String: Any])
        #expect(answer["protocol"] as? Int == 1)
        let pulled = try #require(answer["changes"] as? [[String: Any]], "protocol 1 pulls one object per change")
        #expect(!pulled.isEmpty)
    }

    @Test("columns of different lengths, or an unknown protocol, are refused before anything is merged")
    func malformedColumns() async throws {
        let uneven = #"{"protocol": 2, "node": "n-1", "commune": "long-dong", "clock": 0, "cursor": 0, "changes": {"s": [1, 1], "c": ["progress"], "r": ["long-dong/4.1"], "f": ["percent"], "v": [1], "w": [0], "a": ["A"]}}"#
        #expect(throws: SyncError.self) { try WireCoding.decode(SyncRequest.self, from: Data(uneven.utf8)) }
        let anonymous = #"{"protocol": 2, "commune": "long-dong", "clock": 0, "acked": 0, "rejected": [], "restamped": [], "cursor": 1, "more": false, "changes": {"s": [1], "c": ["tasks"], "r": ["4.1"], "f": ["title"], "v": ["T"], "w": [0], "a": ["A"]}}"#
        #expect(throws: SyncError.self, "a pulled change must name its node") {
            try WireCoding.decode(SyncResponse.self, from: Data(anonymous.utf8))
        }

        let district = try await District()
        let node = try await district.node("long-dong")
        let future = #"{"protocol": 3, "node": "\#(node.identity.node)", "commune": "long-dong", "clock": 0, "cursor": 0, "changes": "whatever comes next"}"#
        let request = try WireCoding.decode(SyncRequest.self, from: Data(future.utf8))
        let error = await #expect(throws: SyncError.self) {
            try await district.hub.exchange(request, from: try district.hub.authenticate(token: node.token))
        }
        #expect(error?.code == .protocolVersion)
    }

    @Test("differences that overflow wrap instead of trapping, and the hub refuses the nonsense")
    func overflowingDifferences() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let hostile = """
            {"protocol": 2, "node": "\(node.identity.node)", "commune": "long-dong", "clock": 0, "cursor": 0,
             "changes": {"s": [\(Int64.max), \(Int64.max)], "c": ["progress", "progress"], "r": ["long-dong/4.1", "long-dong/4.1"],
                         "f": ["percent", "percent"], "v": [1, 2], "w": [\(Int64.max), \(Int64.max)], "a": ["A", "A"]}}
            """
        let request = try WireCoding.decode(SyncRequest.self, from: Data(hostile.utf8))
        #expect(request.changes.map(\.seq) == [Int64.max, -2])
        let error = await #expect(throws: SyncError.self) {
            try await district.hub.exchange(request, from: try district.hub.authenticate(token: node.token))
        }
        #expect(error?.code == .invalidInput)
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1").isEmpty)
    }

    @Test("a NUL in a value or a name is refused at the hub, not cut short in the store")
    func nulRefused() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let request = SyncRequest(node: node.identity.node, commune: "long-dong", clock: District.epoch, cursor: 0, changes: [
            PushedChange(seq: 1, collection: "progress", record: "long-dong/4.1", field: "note", value: .text("Đã xong\u{0}"),
                         hlc: HLC(wall: District.epoch), actor: "Nguyễn Văn An"),
            PushedChange(seq: 2, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(5),
                         hlc: HLC(wall: District.epoch), actor: "Nguyễn\u{0}Văn An"),
            PushedChange(seq: 3, collection: "progress", record: "long-dong/4.1", field: "percent", value: .int(6),
                         hlc: HLC(wall: District.epoch + 1), actor: "Nguyễn Văn An"),
        ])
        let wire = try WireCoding.decode(SyncRequest.self, from: try WireCoding.encode(request))
        let result = try await district.hub.exchange(wire, from: try district.hub.authenticate(token: node.token))
        #expect(result.response.rejected.map(\.seq) == [1, 2])
        #expect(result.response.rejected.allSatisfy { $0.code == "invalid_value" })
        #expect(try await district.hub.fields(of: .progress, record: "long-dong/4.1") == ["percent": .int(6)])
    }
}
