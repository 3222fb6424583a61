"""The deploy job (``mlgate deploy``): from the registry's production alias to a reviewed
change of the deployment repository's manifests (``run.py``, ``changes.py``) on the
platform's repository (``repository.py``), or a dispatch to the team's deploy pipeline
(``dispatch.py``)."""
