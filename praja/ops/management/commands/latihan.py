"""`praja latihan`: replay a voting day on this Praja at a chosen speed (drill mode); `praja latihan hapus`
(or `--clear`) removes every drill and all it wrote."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = ("Latihan hari pemungutan suara / replay a voting day (drill). "
            "`praja latihan [--kecepatan 60] [--laporan 150] [--sekaligus]`, `praja latihan hapus`")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("aksi", nargs="?", default="mulai", choices=["mulai", "hapus", "status"],
                            help="mulai (start, default), hapus (clear every drill), status")
        parser.add_argument("--clear", action="store_true", help="same as `hapus`")
        parser.add_argument("--kecepatan", "--speed", type=int, default=60, dest="speed",
                            help="drill seconds per real second (60: an hour of the day per minute)")
        parser.add_argument("--laporan", "--reports", type=int, default=150, dest="reports",
                            help="reports over the day (besides the neutrality report and the Gakkumdu case)")
        parser.add_argument("--wilayah", "--regency", default="35.07", dest="regency")
        parser.add_argument("--lonjakan", "--surge", default="", dest="surge", help="the kecamatan that surges")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--sekaligus", "--all-at-once", action="store_true", dest="at_once",
                            help="play the whole day now (a pre-recorded voting day) and stop")

    def handle(self, *args: Any, **opts: Any) -> None:
        from tqdm import tqdm

        from praja.ops import drill as D
        from praja.ops.models import DrillEvent

        if opts["clear"] or opts["aksi"] == "hapus":
            n = D.clear()
            self.stdout.write(f"{n} latihan dihapus beserta semua datanya / drills removed with all their data")
            return
        if opts["aksi"] == "status":
            from praja.ops.models import Drill

            d = D.current() or Drill.objects.order_by("-started_at", "-pk").first()
            if d is None:
                self.stdout.write("Tidak ada latihan / no drill")
                return
            s = D.summary(d)
            clock = timezone.localtime(s.clock)
            self.stdout.write(f"LATIHAN #{d.pk} ({d.get_status_display()}) {clock:%d-%m-%Y %H.%M} · "
                              f"{s.events_done}/{s.events_total} kejadian · {s.reports} laporan · "
                              f"{s.posts_reported}/{s.posts_total} pos terisi")
            return
        if opts["speed"] < 1:
            raise CommandError("--kecepatan must be at least 1")
        try:
            d = D.plan_drill(regency=opts["regency"], speed=opts["speed"], reports=opts["reports"], seed=opts["seed"],
                             surge=opts["surge"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        total = DrillEvent.objects.filter(drill=d).count()
        self.stdout.write(f"Latihan #{d.pk} dimulai / drill started: {d.day:%d-%m-%Y}, kecepatan {d.speed}x, "
                          f"{total} kejadian / events. Hapus dengan / clear with: praja latihan hapus")
        with tqdm(total=total, desc="latihan / drill", unit="kejadian") as bar:
            while True:
                ran = D.tick(d, limit=200, until=d.end_at() if opts["at_once"] else None)
                bar.update(ran)
                bar.set_postfix_str(f"{d.clock():%H.%M}")
                d.refresh_from_db()
                if d.status != d.Status.RUNNING:
                    break
                if not ran:
                    time.sleep(1)
        self.stdout.write(f"Latihan selesai / drill done ({d.get_status_display()}).")
