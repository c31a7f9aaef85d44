import Foundation
import Hummingbird
import SyncCore
import WebSupport

/// The equipment readiness page and the audit page, with their CSV exports.
struct ReadinessAndAudit {
    let store: HubStore

    func addRoutes(to pages: RouterGroup<DashboardContext>) {
        pages.get("/equipment") { _, context in
            let communes = try await store.hubStatus(.equipment).communes
                .sorted { $0.name.compare($1.name, locale: Locale(identifier: "vi")) == .orderedAscending }
            let body = Self.readiness(communes)
            return DashboardPages.layout(title: "Sẵn sàng thiết bị", session: context.session, body: body)
        }
        pages.export("/export/equipment", file: { _ in "thiet-bi" }, sheet: "Thiết bị") { _ in Self.readinessRows(try await store.hubStatus(.equipment).communes) }
        pages.get("/audit") { request, context in
            let (filter, values) = Self.filter(request)
            let page = AuditPages.Page(try await store.audit(filter), limit: filter.limit)
            let names = try await names()
            try await names.requests.learn(page.reports, from: store)
            let body = AuditPages.page(page, names: names, values: values)
            return DashboardPages.layout(title: "Nhật ký thay đổi", session: context.session, body: body)
        }
        // The whole selection, not one page: read and sent a batch at a time.
        pages.exportStream("/export/audit", file: { _ in "nhat-ky" }, sheet: "Nhật ký", header: AuditPages.header,
                           repeating: AuditPages.repeatingColumns, rows: { _ in AuditPages.ExportRows(names: try await names()) }) { request, rows, send in
            var filter = Self.filter(request).0
            filter.after = nil
            filter.limit = 10_000
            var grouper = AuditPages.Grouper()
            // Each batch's request topics and sessions are looked up before its rows are written.
            func forward(_ reports: [AuditPages.Report]) async throws {
                try await rows.names.requests.learn(reports, from: store)
                try await send(reports)
            }
            try await store.forEachAuditBatch(filter) { batch in try await forward(grouper.add(batch)) }
            try await forward(grouper.finish())
        }
    }

    /// The communes' and the tasks' names, for the audit's rows.
    private func names() async throws -> AuditPages.Names {
        let status = try await store.hubStatus(.names)
        return AuditPages.Names(communes: Dictionary(uniqueKeysWithValues: status.communes.map { ($0.code, $0.name) }),
                                tasks: Dictionary(status.tasks.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first }))
    }

    // MARK: Equipment readiness

    private static func count(_ check: [String: FieldValue]?, _ field: String) -> Int64 {
        check?[field]?.int ?? 0
    }

    static func readiness(_ communes: [CommuneStatus]) -> HTML {
        let devices = EquipmentKind.allCases.filter(\.isDevice)
        var totalCost: Int64 = 0
        var working: [EquipmentKind: Int64] = [:], total: [EquipmentKind: Int64] = [:], needed: [EquipmentKind: Int64] = [:]
        let rows = communes.map { commune -> HTML in
            var cells: [HTML] = []
            var cost: Int64 = 0
            for kind in devices {
                let check = commune.equipment[kind.rawValue]
                working[kind, default: 0] += count(check, "working")
                total[kind, default: 0] += count(check, "total")
                needed[kind, default: 0] += count(check, "needed")
                cost += count(check, "cost")
                cells.append(check == nil ? "<td class=\"muted\">chưa kiểm tra</td>"
                    : "<td>\(count(check, "working"))/\(count(check, "total"))\(count(check, "needed") > 0 ? " · cần \(count(check, "needed"))" : "")</td>")
            }
            totalCost += cost
            let line = commune.equipment[EquipmentKind.internet.rawValue]
            let state = line?["state"]?.text.flatMap(InternetState.init(rawValue:))
            let lineCell = state.map { "<td class=\"line-\($0.rawValue)\">\($0.label)\(line?["provider"]?.text.map { " · " + $0 } ?? "")</td>" as HTML }
                ?? "<td class=\"muted\">chưa kiểm tra</td>"
            return "<tr><th><a href=\"/communes/\(commune.code)\">\(commune.name)</a></th>\(cells.joined())\(lineCell)<td class=\"num\">\(cost > 0 ? VietnameseFormat.money(cost) : "")</td></tr>"
        }.joined()
        let totals = devices.map { "<td>\(working[$0, default: 0])/\(total[$0, default: 0]) · cần \(needed[$0, default: 0])</td>" as HTML }.joined()
        let chart = Charts.bars(devices.map { Charts.Bar(label: $0.label, value: working[$0, default: 0], total: total[$0, default: 0]) },
                                title: "Thiết bị đang hoạt động trên tổng số, toàn huyện", unit: "")
        return """
            <p>\(Export.links("/export/equipment"))</p>
            <p class="total">Tổng dự toán mua sắm của các xã: <strong>\(VietnameseFormat.money(totalCost))</strong></p>
            \(chart)
            <table><thead><tr><th>Xã, thị trấn</th>\(devices.map { "<th>\($0.label) (hoạt động/tổng)</th>" as HTML }.joined())<th>Đường truyền Internet</th><th>Dự toán</th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th>Toàn huyện</th>\(totals)<td></td><td class="num">\(VietnameseFormat.money(totalCost))</td></tr></tfoot></table>
            """
    }

    static func readinessRows(_ communes: [CommuneStatus]) -> [[String]] {
        var rows = [["Mã xã", "Tên xã", "Loại thiết bị", "Tổng số", "Đang hoạt động", "Hỏng", "Cần bổ sung", "Dự toán (đồng)",
                     "Tình trạng đường truyền", "Nhà cung cấp", "Tốc độ (Mbps)", "Ngày kiểm tra", "Người kiểm tra"]]
        for commune in communes {
            for kind in EquipmentKind.allCases {
                guard let check = commune.equipment[kind.rawValue] else { continue }
                func text(_ field: String) -> String { check[field].map { $0.isNull ? "" : $0.description } ?? "" }
                rows.append([commune.code, commune.name, kind.label, text("total"), text("working"), text("broken"), text("needed"),
                             text("cost"), check["state"]?.text.flatMap(InternetState.init(rawValue:))?.label ?? "",
                             text("provider"), text("mbps"), VietnameseFormat.day(check["checked_on"]?.text), text("by")])
            }
        }
        return rows
    }

    // MARK: Audit

    /// The filter from the query: commune, collection, field, outcome, from and to (days), and
    /// `after`, the last entry of the page before.
    static func filter(_ request: Request) -> (AuditFilter, [String: String]) {
        var values: [String: String] = [:]
        for name in ["commune", "collection", "field", "outcome", "from", "to", "after"] {
            if let value = request.uri.queryParameters.get(name), !value.isEmpty { values[name] = value }
        }
        let filter = AuditFilter(
            commune: values["commune"], collection: values["collection"], field: values["field"], outcome: values["outcome"].flatMap(AuditOutcome.init(rawValue:)),
            fromMillis: values["from"].flatMap(CalendarDay.init)?.startMillis,
            toMillis: values["to"].flatMap(CalendarDay.init).map { $0.startMillis + 86_400_000 },
            newestFirst: true, limit: 500, after: values["after"].flatMap { Int64($0) })
        return (filter, values)
    }
}
