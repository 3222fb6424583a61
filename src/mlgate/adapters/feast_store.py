"""Feast, the feature store: the repository's views, its online store and its offline store,
and Feast's errors as mlgate's one-line ones. feast is imported only in this module.

Everything goes through Feast's own API — ``get_online_features`` for what is served,
``get_historical_features`` for the point-in-time offline value, and the offline store's
``pull_latest_from_table_or_query`` / ``pull_all_from_table_or_query`` (what ``feast
materialize`` reads) for the newest offline row and a key's later values — so whatever store
the repository configures is the one compared.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mlgate.errors import InputError, ServiceError

INSTALL = "pip install 'mlgate[feast]'"
ROW = "mlgate_row"  # the entity frame's row number, carried through the retrievals
TIME = "event_timestamp"  # the entity frame's time column, as Feast infers it
ONLINE_BATCH = 10_000  # keys per get_online_features call
_NUMERIC = ("Int32", "Int64", "Float32", "Float64", "Bool", "UnixTimestamp")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, kw_only=True)
class View:
    """One feature view, as far as the comparison needs it."""

    name: str
    join_keys: tuple[str, ...]
    features: tuple[str, ...]  # the features compared
    numeric: frozenset[str]
    ttl: float | None  # seconds; None: values never expire
    created_column: str | None
    key_types: tuple[str, ...] = ()  # Feast's type of each join key (Int64, String …)

    def ref(self, feature: str) -> str:
        return f"{self.name}:{feature}"

    def column(self, feature: str) -> str:
        """The full feature name Feast gives the column (``view__feature``)."""
        return f"{self.name}__{feature}"


@contextmanager
def feast_errors(repo: Path, doing: str) -> Iterator[None]:
    """Feast's exceptions while ``doing`` as mlgate's: an unknown object or a bad entity
    frame is the user's input (exit 2); a store that cannot be reached is exit 3."""
    import sqlite3

    from feast.errors import FeastError, FeastObjectNotFoundException

    try:
        yield
    except FeastObjectNotFoundException as exc:
        raise InputError(f"{repo}: {_first_line(exc)}") from None
    except (sqlite3.Error, ConnectionError, TimeoutError) as exc:
        raise ServiceError(f"{repo}: {doing} failed: {_first_line(exc)}") from None
    except FeastError as exc:
        raise InputError(f"{repo}: {doing}: {_first_line(exc)}") from None
    except (TypeError, ValueError) as exc:  # Feast converting a value the user gave
        raise InputError(f"{repo}: {doing}: {_first_line(exc)}") from None
    except OSError as exc:
        raise ServiceError(f"{repo}: {doing} failed: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class FeastStore:
    """A feature repository opened with Feast (``feature_store.yaml`` in ``repo``)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        config_file = repo / "feature_store.yaml"
        if not config_file.is_file():
            raise InputError(
                f"{repo}: no feature_store.yaml; give the feature repository's folder "
                "(--feast or skew.feast.repo)"
            )
        try:
            from feast import FeatureStore
            from feast.repo_config import load_repo_config
        except ImportError:
            raise InputError(f"the Feast check needs Feast: {INSTALL}") from None
        try:
            config = load_repo_config(repo, config_file)
        except Exception as exc:  # pydantic and YAML errors alike: the file is the input
            raise InputError(f"{config_file}: {_first_line(exc)}") from None
        self._unapplied_file_registry(config)
        with feast_errors(repo, "opening the registry"):
            self.store: Any = FeatureStore(repo_path=str(repo))
            applied = self.store.list_feature_views()
        if not applied:
            raise InputError(
                f"{repo}: the registry has no feature views; run `feast apply` in the "
                "repository first"
            )
        self.seconds = {"online": 0.0, "offline": 0.0}  # time spent in each store
        self.online_kind = str(getattr(config.online_store, "type", "online"))
        self.offline_kind = str(getattr(config.offline_store, "type", "offline"))

    def _unapplied_file_registry(self, config: Any) -> None:
        """A file registry that does not exist yet: Feast would create an empty one."""
        registry = config.registry
        path = getattr(registry, "path", "") or ""
        kind = getattr(registry, "registry_type", "file")
        if kind != "file" or "://" in path:
            return
        where = Path(path) if Path(path).is_absolute() else self.repo / path
        if not where.exists():
            raise InputError(
                f"{self.repo}: the registry {path} does not exist: the repository was never "
                "applied; run `feast apply` in it first"
            )

    @contextmanager
    def _timed(self, store: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[store] += time.perf_counter() - start

    @property
    def filters_created(self) -> bool:
        """Whether this offline store takes ``filter_by_created_timestamp``."""
        store = self.store._get_provider().offline_store
        parameters = inspect.signature(store.get_historical_features).parameters
        return "filter_by_created_timestamp" in parameters

    def views(
        self, selection: tuple[str, ...] | str | None, *, columns: set[str] | None
    ) -> list[View]:
        """The views compared: ``view:feature`` names, a feature service's name (a str),
        or (None) every feature of the views whose join keys ``columns`` has (every view
        when the keys come from the sources)."""
        with feast_errors(self.repo, "reading the registry"):
            if isinstance(selection, str):
                service = self.store.get_feature_service(selection)
                wanted = [
                    (p.name_to_use(), tuple(f.name for f in p.features))
                    for p in service.feature_view_projections
                ]
                return [self._view(name, features) for name, features in wanted]
            if selection:
                chosen: dict[str, list[str]] = {}
                for ref in selection:
                    name, _, feature = ref.partition(":")
                    chosen.setdefault(name, []).append(feature)
                return [self._view(name, tuple(fs)) for name, fs in chosen.items()]
            views = [self._view(v.name, None) for v in self.store.list_feature_views()]
        if columns is None:
            return views
        joined = [v for v in views if set(v.join_keys) <= columns]
        if not joined:
            keys = sorted({k for v in views for k in v.join_keys})
            raise InputError(
                f"the entities have none of the views' join keys ({', '.join(keys)}); "
                "give them as columns of the entity file"
            )
        return joined

    def _view(self, name: str, features: tuple[str, ...] | None) -> View:
        view = self.store.get_feature_view(name)
        schema = {f.name: f for f in view.features}
        chosen = features if features is not None else tuple(schema)
        unknown = [f for f in chosen if f not in schema]
        if unknown:
            raise InputError(
                f"{self.repo}: feature view {name} has no feature {unknown[0]!r} "
                f"(it has {', '.join(schema) or 'none'})"
            )
        ttl = view.ttl.total_seconds() if view.ttl else None
        source = view.batch_source
        return View(
            name=name,
            join_keys=tuple(view.join_keys),
            features=chosen,
            numeric=frozenset(f for f in chosen if str(schema[f].dtype) in _NUMERIC),
            ttl=ttl if ttl else None,
            created_column=getattr(source, "created_timestamp_column", None) or None,
            key_types=tuple(
                str({c.name: c.dtype for c in view.entity_columns}.get(k, ""))
                for k in view.join_keys
            ),
        )

    def typed_keys(self, view: View, frame: Any, *, path: object) -> Any:
        """``frame``'s join key columns as the entities' types (a CSV's ``"0042"`` for a
        String key stays text; ``"abc"`` for an Int64 key is the file's mistake)."""
        import pandas as pd

        out = frame.copy(deep=False)  # the key columns are replaced, the rest shared
        for key, kind in zip(view.join_keys, view.key_types, strict=True):
            column = out[key]
            if kind in ("Int32", "Int64"):
                numbers = pd.to_numeric(column, errors="coerce")
                bad = numbers.isna() | (numbers != numbers.round())
                if bad.any():
                    value = column[bad].iloc[0]
                    raise InputError(
                        f"{path}: column {key}: {value!r} is not a whole number (the join key "
                        f"of feature view {view.name} is {kind})"
                    )
                out[key] = numbers.astype("int64")
            elif kind == "String":
                out[key] = column.astype(str)
        return out

    def online(self, view: View, keys: Any) -> Any:
        """The served values of ``view``'s features for each row of ``keys`` (a frame of the
        join keys), with their event times (``COLUMN__ts``, seconds; 0: not found)."""
        import pandas as pd

        refs = [view.ref(f) for f in view.features]
        parts = []
        with (
            feast_errors(self.repo, f"reading the online store ({self.online_kind})"),
            self._timed("online"),
        ):
            for start in range(0, len(keys), ONLINE_BATCH):
                batch = keys.iloc[start : start + ONLINE_BATCH]
                rows = {k: batch[k].tolist() for k in view.join_keys}
                response = self.store.get_online_features(
                    features=refs, entity_rows=rows, full_feature_names=True
                )
                parts.append(pd.DataFrame(response.to_dict(include_event_timestamps=True)))
        if not parts:
            return pd.DataFrame()
        return pd.concat(parts, ignore_index=True)

    def historical(self, view: View, entities: Any) -> Any:
        """The point-in-time offline values for ``entities`` (join keys, ``TIME`` and
        ``ROW``, distinct), one row per entity row, in the entities' order."""
        job_args: dict[str, Any] = {}
        if view.created_column and self.filters_created:
            job_args["filter_by_created_timestamp"] = True
        with (
            feast_errors(self.repo, f"reading the offline store ({self.offline_kind})"),
            self._timed("offline"),
        ):
            job = self.store.get_historical_features(
                entity_df=entities,
                features=[view.ref(f) for f in view.features],
                full_feature_names=True,
                **job_args,
            )
            frame = job.to_df()
        # Some stores drop an entity row that has no value (dask, past the TTL): every row
        # comes back, in ROW order, empty where the store had nothing.
        frame = frame.drop_duplicates(ROW).set_index(ROW)
        return frame.reindex(entities[ROW].to_numpy()).reset_index()

    def latest(self, view: View, *, end: datetime) -> Any:
        """The newest offline row of each key at or before ``end`` (whatever its age): the
        join keys, the features and ``TIME``."""
        return self._pull(view, latest=True, start=_EPOCH, end=end)

    def history(self, view: View, *, start: datetime, end: datetime) -> Any:
        """Every offline row of the view between ``start`` and ``end``."""
        return self._pull(view, latest=False, start=start, end=end)

    def _pull(self, view: View, *, latest: bool, start: datetime, end: datetime) -> Any:
        source: Any = self.store.get_feature_view(view.name).batch_source
        to_source = {v: k for k, v in (source.field_mapping or {}).items()}
        keys = [to_source.get(k, k) for k in view.join_keys]
        features = [to_source.get(f, f) for f in view.features]
        offline = self.store._get_provider().offline_store
        pull = (
            offline.pull_latest_from_table_or_query
            if latest
            else (offline.pull_all_from_table_or_query)
        )
        with (
            feast_errors(self.repo, f"reading the offline store ({self.offline_kind})"),
            self._timed("offline"),
        ):
            frame = pull(
                config=self.store.config,
                data_source=source,
                join_key_columns=keys,
                feature_name_columns=features,
                timestamp_field=source.timestamp_field,
                created_timestamp_column=source.created_timestamp_column or None,
                start_date=start,
                end_date=end,
            ).to_df()
        renamed = {to_source.get(c, c): c for c in [*view.join_keys, *view.features]}
        frame = frame.rename(columns={**renamed, source.timestamp_field: TIME})
        return frame[[*view.join_keys, *view.features, TIME]]
