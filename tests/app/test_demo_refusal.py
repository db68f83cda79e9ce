"""`flask demo` loads into an empty database only."""


def test_demo_refuses_a_database_with_data(runner, make_user):
    make_user()
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "not empty" in result.output
