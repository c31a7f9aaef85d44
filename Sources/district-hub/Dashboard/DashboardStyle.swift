import WebSupport

/// The dashboard's stylesheet, compiled into the binary: the district LAN may have no internet.
extension Stylesheet {
    static let dashboard = Stylesheet("""
        :root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --brand: #9b1c1c; --ok: #1f7a3a; --bad: #b42318; --warn: #a15c07; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 1rem;
                 padding: .7rem 1.5rem; background: var(--brand); color: #fff; }
        header nav { display: flex; align-items: center; gap: 1rem; }
        header nav a { color: #fff; font-weight: 600; text-decoration: none; }
        header nav form { display: flex; align-items: center; gap: .6rem; margin: 0; }
        main { padding: 1rem 1.5rem 3rem; }
        h1 { font-size: 1.35rem; margin: .3rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); width: 100%; }
        th, td { border: 1px solid var(--line); padding: .35rem .45rem; text-align: left; vertical-align: top; }
        th { background: #eef1f5; font-size: .85rem; }
        td.num { text-align: right; }
        .matrix td.cell { font-size: .82rem; text-align: center; min-width: 6.5rem; }
        .matrix th.commune { white-space: nowrap; }
        .status-not_started { background: #f3f4f6; color: var(--muted); }
        .status-in_progress { background: #fef3c7; color: #854d0e; }
        .status-done { background: #dcfce7; color: var(--ok); font-weight: 600; }
        .status-blocked { background: #fee2e2; color: var(--bad); font-weight: 600; }
        td.late { outline: 2px solid var(--bad); outline-offset: -2px; }
        .filters { display: flex; flex-wrap: wrap; align-items: end; gap: .8rem; margin-bottom: .6rem; }
        .filters label { display: flex; flex-direction: column; font-size: .85rem; font-weight: 600; }
        /* The two downloads wrap onto the next line together, never one without the other. */
        .exports { display: inline-flex; gap: .5rem; }
        nav.pager { margin: .8rem 0; }
        select, input { font: inherit; padding: .3rem .4rem; border: 1px solid #b8c1cc; border-radius: .3rem; }
        button, a.button { background: var(--brand); color: #fff; border: 0; border-radius: .3rem; padding: .4rem .8rem;
            font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; white-space: nowrap; }
        a.button.secondary { background: #fff; color: var(--brand); border: 1px solid var(--brand); }
        header button { background: #fff; color: var(--brand); }
        .meta { color: var(--muted); }
        .errors { background: #fee2e2; border: 1px solid #fca5a5; color: var(--bad); padding: .5rem .8rem; border-radius: .3rem; }
        form.login { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; max-width: 24rem; }
        form.login label { display: block; margin-bottom: .8rem; font-weight: 600; }
        form.login input { display: block; width: 100%; margin-top: .25rem; }
        form.task { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; max-width: 50rem; }
        form.task > label { display: block; margin-bottom: .8rem; font-weight: 600; }
        form.task > label input, form.task > label select, form.task > label textarea { display: block; width: 100%; margin-top: .25rem; font: inherit; }
        fieldset { border: 1px solid var(--line); border-radius: .4rem; margin: 0 0 1rem; }
        label.check { display: inline-block; margin: .15rem 1rem .15rem 0; font-weight: 400; }
        .checks { columns: 3; }
        form.inline { display: flex; flex-wrap: wrap; gap: .3rem; margin-top: .3rem; }
        section.task-files { background: #fff; border: 1px solid var(--line); border-top: 0; border-radius: 0 0 .5rem .5rem;
                             padding: .2rem 1.25rem 1rem; max-width: 50rem; margin: -.5rem 0 1.2rem; }
        section.task-files h3 { font-size: 1rem; margin: .6rem 0 .3rem; }
        section.task-files ul { list-style: none; margin: 0 0 .5rem; padding: 0; }
        section.task-files li { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
        button.secondary { background: #fff; color: var(--brand); border: 1px solid var(--brand); }
        .muted { color: var(--muted); }
        .line-ok { color: var(--ok); } .line-unstable { color: var(--warn); } .line-down { color: var(--bad); font-weight: 600; }
        tr.outcome-lost td, tr.outcome-rejected td { background: #fff7ed; }
        figure.chart { margin: .5rem 0 1rem; max-width: 60rem; }
        figure.chart svg { width: 100%; height: auto; background: #fff; border: 1px solid var(--line); padding: .4rem; }
        .total { font-size: 1.05rem; }
        a.file { display: inline-block; margin: .1rem .3rem .1rem 0; }
        img.thumb { max-height: 4rem; max-width: 6rem; vertical-align: middle; border: 1px solid var(--line); background: #fff; }
        .file.pending { color: #92400e; }
        .state { display: inline-block; padding: .05rem .45rem; border-radius: .8rem; font-size: .82rem; font-weight: 600; background: #f3f4f6; color: var(--muted); }
        .state-submitted { background: #fef3c7; color: #854d0e; } .state-returned { background: #fee2e2; color: var(--bad); }
        .state-appraised { background: #dcfce7; color: var(--ok); }
        table.appraisal td:nth-child(1) { width: 34%; } table.appraisal td:nth-child(4) { width: 22%; }
        table.appraisal input[type=number] { width: 5.5rem; } table.appraisal textarea { width: 100%; font: inherit; }
        tr.differs td { background: #fff7ed; } tr.differs td:nth-child(5) { outline: 2px solid var(--warn); outline-offset: -2px; font-weight: 600; }
        ul.history { margin: .3rem 0 0; padding-left: 1.1rem; font-size: .82rem; color: var(--muted); }
        p.note { background: #fff; border-left: 4px solid var(--brand); padding: .4rem .7rem; }
        form.decision { margin-top: 1.5rem; }
        form.answer textarea { width: 100%; font: inherit; margin-bottom: .3rem; }
        table.proposals td:nth-child(3) { width: 35%; } table.proposals td:nth-child(6) { width: 28%; }
        @page { size: A4 landscape; margin: 10mm; }
        @media print {
          body { background: #fff; font-size: 9pt; }
          header nav, .filters, a.button, form.decision, button, details { display: none; }
          header { background: #fff; color: #000; border-bottom: 2px solid #000; padding: 0 0 4mm; }
          main { padding: 0; }
          .matrix td.cell { min-width: 0; }
          td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """)
}
