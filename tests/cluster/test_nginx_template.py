"""docs/deployment.md shows the nginx site the cluster runs behind: it must stay that file, verbatim."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_deployment_guide_shows_the_template_verbatim():
    guide = (REPO / "docs" / "deployment.md").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", guide, flags=re.S)
    assert len(blocks) == 1, "docs/deployment.md should show one nginx block"
    assert blocks[0] == (REPO / "docs" / "nginx" / "assetd.conf").read_text()
