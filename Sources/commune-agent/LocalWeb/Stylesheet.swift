import WebSupport

/// The screen's only asset, compiled into the binary: nothing is loaded from outside.
extension Stylesheet {
    static let officer = Stylesheet("""
        :root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --brand: #9b1c1c; --ok: #1f7a3a; --bad: #b42318; --warn: #a15c07; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 1rem;
                 padding: .75rem 1.5rem; background: var(--brand); color: #fff; }
        header .brand { font-size: .95rem; }
        header .brand strong { font-size: 1.2rem; }
        nav a { color: #fff; text-decoration: none; margin-left: 1.25rem; padding-bottom: .2rem; }
        nav a[aria-current="page"] { border-bottom: 3px solid #fcd34d; font-weight: 600; }
        .sync { background: #fff; border-bottom: 1px solid var(--line); padding: .6rem 1.5rem; }
        .sync-line { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; }
        .sync form { margin-left: auto; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
        h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; font-size: .9rem; }
        td.num { text-align: right; }
        tr.late td:nth-child(4) { color: var(--bad); font-weight: 600; }
        .status-done { color: var(--ok); font-weight: 600; }
        .status-blocked { color: var(--bad); font-weight: 600; }
        .status-in_progress { color: var(--warn); }
        section.attachments { margin-top: 2rem; }
        section.attachments h2 { font-size: 1.15rem; }
        section.attachments form.report { margin-top: 1rem; }
        form.inline { display: inline; margin: 0; }
        button.link { background: none; border: none; color: var(--bad); padding: 0; text-decoration: underline; cursor: pointer; font: inherit; }
        .upload-waiting, .upload-uploading { color: var(--warn); }
        .upload-uploaded { color: var(--ok); }
        .upload-remote { color: var(--muted); }
        .badge { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .85rem; font-weight: 600; }
        .badge.online { background: #dcfce7; color: var(--ok); }
        .badge.offline { background: #fee2e2; color: var(--bad); }
        .badge.unknown { background: #e5e7eb; color: var(--muted); }
        .badge.warnbadge { background: #fef3c7; color: var(--warn); }
        .error { color: var(--bad); margin: .3rem 0 0; }
        .warn { color: var(--warn); margin: .3rem 0 0; font-weight: 600; }
        .flash { background: #dcfce7; border: 1px solid #86efac; padding: .6rem .8rem; border-radius: .4rem; }
        .errors { background: #fee2e2; border: 1px solid #fca5a5; padding: .4rem .9rem; border-radius: .4rem; color: var(--bad); }
        .detail, .meta { color: var(--muted); }
        form.report { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; max-width: 46rem; }
        form.report label { display: block; margin: 0 0 .8rem; font-weight: 600; }
        form.report input, form.report select, form.report textarea { display: block; width: 100%; margin-top: .25rem;
            padding: .45rem .55rem; font: inherit; border: 1px solid #b8c1cc; border-radius: .35rem; }
        fieldset { border: 1px solid var(--line); border-radius: .4rem; margin: 0 0 1rem; padding: .5rem 1rem; }
        legend { font-weight: 700; padding: 0 .3rem; }
        fieldset label { display: inline-block !important; width: 30%; min-width: 12rem; margin-right: 1rem !important; vertical-align: top; }
        small.previous { display: block; font-weight: 400; color: var(--muted); }
        button, a.button { display: inline-block; white-space: nowrap; background: var(--brand); color: #fff; border: 0; border-radius: .35rem;
            padding: .45rem .9rem; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
        article.criterion { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: .6rem 1rem; margin: 0 0 1rem; }
        article.criterion h3 { font-size: 1.02rem; margin: .2rem 0 .4rem; }
        article.criterion form.report { border: 0; padding: 0; max-width: none; }
        article.criterion form.report input[type=number] { max-width: 9rem; }
        p.note { background: #fff7ed; border-left: 4px solid var(--warn); padding: .4rem .7rem; }
        form.submit { margin-top: 1.5rem; }
        @media print { header nav, .sync form, a.button { display: none; } body { background: #fff; } }
        """)
}
