import Foundation
import SyncCore
import Testing

@Suite("Proposals and training sign-up")
struct RequestTests {
    @Test("a proposal and a training request go up, the answer comes back to their commune only, and a session reaches only the communes it invites")
    func roundTrip() async throws {
        let district = try await District()
        let longDong = try await district.node("long-dong")
        let bacQuynh = try await district.node("bac-quynh")
        let proposal = try await longDong.store.propose(topic: "Dịch vụ công trực tuyến", text: "Đường truyền yếu",
                                                        office: "Phòng Văn hóa và Thông tin", by: "Nguyễn Văn An")
        try await longDong.store.requestTraining(topic: "Dịch vụ công trực tuyến", people: 3, names: nil, period: "Quý I/2027", by: "Nguyễn Văn An")
        try await bacQuynh.store.requestTraining(topic: "dịch vụ công  trực tuyến", people: 2, names: "Hoàng Thị Bình", period: nil, by: "Hoàng Thị Bình")
        for node in [longDong, bacQuynh] { try await node.client(district.transport).syncUntilDrained(token: node.token) }

        let demand = try #require(try await district.hub.trainingDemand().first)
        #expect(demand.topic == "Dịch vụ công trực tuyến")
        #expect(demand.people == 5 && demand.communes == ["bac-quynh", "long-dong"] && demand.waiting == 5)
        try await district.hub.answerProposal(commune: "long-dong", id: proposal.id, state: .answered,
                                              answer: "Đã đề nghị VNPT nâng cấp", by: "Phòng VH-TT")
        let planned = try await district.hub.planSession(topic: demand.topic, date: "2027-01-15", place: "Hội trường UBND huyện",
                                                         trainer: nil, communes: ["long-dong"], note: nil, by: "Phòng Nội vụ")
        for node in [longDong, bacQuynh] { try await node.client(district.transport).syncUntilDrained(token: node.token) }

        let mine = try await longDong.store.inbox()
        #expect(mine.proposals.map(\.state) == [.answered])
        #expect(mine.proposals.first?.answer == "Đã đề nghị VNPT nâng cấp")
        #expect(mine.sessions.map(\.id) == [planned.id])
        #expect(mine.training.map(\.state) == [.planned])
        let theirs = try await bacQuynh.store.inbox()
        #expect(theirs.proposals.isEmpty && theirs.sessions.isEmpty)
        #expect(theirs.training.map(\.state) == [.new])
        #expect(try await district.hub.trainingDemand().first?.waiting == 2)
    }

    @Test("the hub refuses a node's answer, session or file for a proposal that does not exist; the agent refuses an empty topic or a head count out of range")
    func refusals() async throws {
        let district = try await District()
        let node = try await district.node("long-dong")
        let proposal = try await node.store.propose(topic: "Kinh phí", text: "Thiếu kinh phí mua máy quét", office: nil, by: "Nguyễn Văn An")
        let writes = [
            FieldWrite(collection: "proposals", record: "long-dong/\(proposal.id)", field: "answer", value: .text("Tự trả lời")),
            FieldWrite(collection: "sessions", record: "s1", field: "topic", value: .text("Lớp tự mở")),
            FieldWrite(collection: "training", record: "bac-quynh/t1", field: "topic", value: .text("Hộ xã khác")),
            FieldWrite(collection: "attachments", record: "long-dong/proposals/pnone/\(String(repeating: "a", count: 64))", field: "name", value: .text("x.pdf")),
        ]
        for write in writes { try await node.store.record([write], actor: "Kẻ lạ", node: node.identity.node) }
        let summary = try await node.client(district.transport).syncUntilDrained(token: node.token)
        #expect(summary.rejected == 4)
        let refused = try await district.hub.audit().filter { $0.outcome == .rejected }.map(\.reasonCode)
        #expect(refused == ["district_only", "district_only", "out_of_scope", "not_found"])
        #expect(try await district.hub.proposals(commune: "long-dong").map(\.text) == ["Thiếu kinh phí mua máy quét"])
        await #expect(throws: SyncError.self) {
            try await node.store.propose(topic: " ", text: "x", office: nil, by: "An")
        }
        await #expect(throws: SyncError.self) {
            try await node.store.requestTraining(topic: "PAR INDEX", people: 0, names: nil, period: nil, by: "An")
        }
    }
}
