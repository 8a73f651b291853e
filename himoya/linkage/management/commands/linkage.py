"""`himoya linkage train|run|evaluate`: the probabilistic linkage of persons."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himoya.access import policy, roles
from himoya.organisations.models import User


class Command(BaseCommand):
    help = "Train the person linkage model, run it over the register, or measure it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="step", required=True)
        train = sub.add_parser("train", help="train a new model version on the register")
        train.add_argument("--user", help="the linkage officer training it")
        train.add_argument(
            "--synthetic", type=int, default=0, help="train on N generated persons instead"
        )
        train.add_argument("--upper", type=float, default=0.8, help="automatic link threshold")
        train.add_argument("--review", type=float, default=0.3, help="review threshold")
        run = sub.add_parser("run", help="link sure pairs, queue uncertain ones")
        run.add_argument("--user", help="the linkage officer running it")
        run.add_argument(
            "--background", action="store_true", help="queue it as a job (needs --user)"
        )
        evaluate = sub.add_parser("evaluate", help="precision and recall on generated persons")
        evaluate.add_argument("--persons", type=int, default=10_000)
        evaluate.add_argument("--seed", type=int, default=1)

    def _user(self, username):
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not policy.has_perm(user, roles.LINK_PERSONS):
            raise CommandError(_("Only an active national linkage officer decides links."))
        return user

    def handle(self, *args, **opts):
        from himoya.linkage import actions

        try:
            if opts["step"] == "train":
                self._train(actions, opts)
            elif opts["step"] == "run" and opts["background"]:
                self._background(opts)
            elif opts["step"] == "run":
                counts = actions.do_run_linkage(acting_user=self._user(opts["user"]))
                self.stdout.write(
                    _(
                        "Linked %(linked)s pairs in %(groups)s groups; "
                        "%(queued)s pairs queued for review."
                    )
                    % {
                        "linked": counts["linked_pairs"],
                        "groups": counts["groups"],
                        "queued": counts["queued"],
                    }
                )
            else:
                self._evaluate(opts["persons"], opts["seed"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _background(self, opts):
        from django.db import transaction

        from himoya.core import jobs
        from himoya.linkage.jobs import RUN_JOB

        user = self._user(opts["user"])
        if user is None:
            raise CommandError(_("A background run needs --user."))
        with transaction.atomic():
            row = jobs.start(RUN_JOB, user=user, title=_("Linkage run"))
        self.stdout.write(_("Queued as job %(id)s.") % {"id": row.pk})

    def _train(self, actions, opts):
        from himoya.linkage import synthetic

        records = None
        if opts["synthetic"]:
            persons = synthetic.Generator(seed=1).persons(opts["synthetic"])
            records = list(synthetic.records(persons))
        model = actions.do_train_model(
            acting_user=self._user(opts["user"]),
            records=records,
            upper_threshold=opts["upper"],
            review_threshold=opts["review"],
        )
        self.stdout.write(
            _("Trained model version %(version)s on %(count)s records.")
            % {"version": model.version, "count": model.record_count}
        )

    def _evaluate(self, count: int, seed: int):
        from himoya.linkage import synthetic
        from himoya.linkage.models import LinkageModel

        model = LinkageModel.current()
        if model is None:
            raise CommandError(_("Train a linkage model first (himoya linkage train)."))
        threshold = model.upper_threshold
        result = synthetic.evaluate(model.settings, count, seed=seed, threshold=threshold)
        self.stdout.write(
            f"Model version {model.version}, {count} generated persons "
            f"({result['true_pairs']} labelled pairs), threshold {threshold}: "
            f"precision {result['precision']:.4f}, recall {result['recall']:.4f} "
            f"({result['seconds']:.1f} s)"
        )
