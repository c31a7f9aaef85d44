import Foundation
import SyncCore
import Testing

@Suite("Yearly plans")
struct PlanTests {
    @Test("a plan copied to another year gets new ids, the same assignments and deadlines moved by the years between; copying again changes nothing")
    func copy() async throws {
        let district = try await District()
        // The fixture's tasks have deadlines in 2023 (4.1, 4.3) or none (9.1, 6.1, which are in no plan).
        let tasks = try await district.hub.tasks()
        #expect(tasks.first { $0.id == "4.1" }?.plan == 2023)
        #expect(tasks.first { $0.id == "9.1" }?.plan == nil)
        await #expect(throws: SyncError.self) {
            try await district.hub.copyPlan(from: 2019, to: 2026, shiftDeadlines: true, planSource: nil, actor: "test")
        }
        let copy = try await district.hub.copyPlan(from: 2023, to: 2026, shiftDeadlines: true, planSource: "Kế hoạch CCHC năm 2026", actor: "test")
        #expect(copy.copied.sorted() == ["4.1-2026", "4.3-2026"] && copy.existing.isEmpty)
        let copied = try #require(try await district.hub.tasks().first { $0.id == "4.1-2026" })
        #expect(copied.deadline == "2026-04-19" && copied.plan == 2026 && copied.planSource == "Kế hoạch CCHC năm 2026")
        #expect(copied.assignment == .everyCommune && copied.title == "Ban hành quyết định thành lập Ban chỉ đạo")
        let again = try await district.hub.copyPlan(from: 2023, to: 2026, shiftDeadlines: true, planSource: nil, actor: "test")
        #expect(again.copied.isEmpty && again.existing.sorted() == ["4.1-2026", "4.3-2026"])
        let next = try await district.hub.copyPlan(from: 2026, to: 2027, shiftDeadlines: false, planSource: nil, actor: "test")
        #expect(next.copied.sorted() == ["4.1-2027", "4.3-2027"])
        #expect(try await district.hub.tasks().first { $0.id == "4.1-2027" }?.deadline == nil)

        let node = try await district.node("bac-quynh")
        try await node.client(district.transport).syncUntilDrained(token: node.token)
        let plans = try await node.store.agentTasks(commune: "bac-quynh").map { "\($0.id):\($0.plan.map(String.init) ?? "-")" }
        #expect(plans == ["4.1:2023", "4.1-2026:2026", "4.1-2027:2027", "4.3:2023", "4.3-2026:2026", "4.3-2027:2027"])
    }

    @Test("a screen shows the plan asked for, else this year's, else the newest; a 29 February deadline moves to the 28th")
    func shownPlan() throws {
        let today = try #require(CalendarDay("2026-12-03"))
        #expect(TaskPlans.shown([2027, 2026, 2023], asked: nil, today: today) == 2026)
        #expect(TaskPlans.shown([2027, 2026, 2023], asked: 2023, today: today) == 2023)
        #expect(TaskPlans.shown([2025, 2023], asked: 2019, today: today) == 2025)
        #expect(TaskPlans.shown([], asked: nil, today: today) == nil)
        #expect(TaskPlans.id("4.1", in: 2026) == "4.1-2026" && TaskPlans.id("4.1-2025", in: 2026) == "4.1-2026")
        #expect(CalendarDay("2024-02-29")?.addingYears(1)?.description == "2025-02-28")
    }
}
