using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>One throw-away PostgreSQL cluster for the CLI tests that need a server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}

/// <summary><c>ownerc ledger migrate|verify</c> against real PostgreSQL and SQLite ledgers.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LedgerCommandTests(PostgresCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ledger-cli-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData("ledger", "--help")]
    [InlineData("help", "ledger")]
    [InlineData("ledger", "migrate", "--sqlite", "x.db", "-h")]
    public void Ledger_help(params string[] args)
    {
        CliResult result = Ownerc.Run(args);
        result.ExitCode.ShouldBe(0);
        result.Stderr.ShouldBeEmpty();
        Baseline.Verify(result.Stdout, "Help/ledger.txt");
    }

    [Theory]
    [InlineData("ownerc: error: no action; usage: ownerc ledger migrate|verify (--postgres \"<connection string>\" | --sqlite <path>) [--schema <name>]\n", "ledger")]
    [InlineData("ownerc: error: unknown action 'migrat' for 'ownerc ledger'; use migrate or verify (did you mean 'migrate'?)\n", "ledger", "migrat", "--sqlite", "x.db")]
    [InlineData("ownerc: error: no ledger given; name one with --postgres \"<connection string>\" or --sqlite <path>\n", "ledger", "migrate")]
    [InlineData("ownerc: error: give either --postgres or --sqlite, not both\n", "ledger", "verify", "--sqlite", "x.db", "--postgres", "Host=h")]
    [InlineData("ownerc: error: --schema applies to --postgres ledgers only\n", "ledger", "verify", "--sqlite", "x.db", "--schema", "s")]
    [InlineData("ownerc: error: unknown option '--postgress' for 'ownerc ledger'; did you mean '--postgres'?\n", "ledger", "migrate", "--postgress", "Host=h")]
    [InlineData("ownerc: error: the --postgres connection string is not valid: Couldn't set hots (Parameter 'hots')\n", "ledger", "migrate", "--postgres", "Hots=h")]
    public void Usage_errors_are_one_line_and_exit_2(string stderr, params string[] args)
    {
        CliResult result = Ownerc.Run(args);
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldBe(stderr);
    }

    [Fact]
    public void Sqlite_migrate_creates_then_finds_current_and_verify_reports_sound()
    {
        string db = Path.Combine(_dir, "ledger.db");
        Ownerc.Run("ledger", "migrate", "--sqlite", db).ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(0),
            r => r.Stdout.ShouldBe($"created the SQLite contact ledger '{db}' at version 2\n"));
        Ownerc.Run("ledger", "migrate", "--sqlite", db).Stdout.ShouldBe($"the SQLite contact ledger '{db}' is already at version 2; nothing to do\n");
        Ownerc.Run("ledger", "verify", "--sqlite", db).ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(0),
            r => r.Stdout.ShouldBe($"the SQLite contact ledger '{db}' is sound (schema version 2)\n"));
    }

    [Fact]
    public void Sqlite_verify_of_a_missing_file_or_a_folder_is_exit_2()
    {
        Ownerc.Run("ledger", "verify", "--sqlite", Path.Combine(_dir, "none.db")).ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(2),
            r => r.Stderr.ShouldBe($"ownerc: error: file not found: '{Path.Combine(_dir, "none.db")}'\n"));
        Ownerc.Run("ledger", "migrate", "--sqlite", _dir).ExitCode.ShouldBe(2);
    }

    [SkippableFact]
    public void Postgres_migrate_creates_the_schema_once_and_verify_finds_it_sound()
    {
        cluster.Require();
        string db = cluster.CreateDatabase("cli");
        string conn = cluster.ConnectionString(db);
        string target = $"contact ledger schema \"contact_ledger\" in database '{db}' on {cluster.Folder}";
        Ownerc.Run("ledger", "migrate", "--postgres", conn).ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(0),
            r => r.Stdout.ShouldBe($"created the {target} at version 3\n"));
        cluster.Psql(db, "SELECT component || ' ' || version FROM contact_ledger.schema_version").ShouldBe("AccountabilityDsl.ContactLedger 3");
        Ownerc.Run("ledger", "migrate", "--postgres", conn).Stdout.ShouldBe($"the {target} is already at version 3; nothing to do\n");
        Ownerc.Run("ledger", "verify", "--postgres", conn).ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(0),
            r => r.Stdout.ShouldBe($"the {target} is sound (schema version 3)\n"));
        Ownerc.Run("ledger", "migrate", "--postgres", conn, "--schema", "second").ExitCode.ShouldBe(0);
        cluster.Psql(db, "SELECT count(*) FROM second.schema_version").ShouldBe("1");
    }

    [SkippableFact]
    public void Postgres_newer_schema_is_refused_by_migrate_and_verify_with_both_versions()
    {
        cluster.Require();
        string db = cluster.CreateDatabase("cli");
        string conn = cluster.ConnectionString(db);
        Ownerc.Run("ledger", "migrate", "--postgres", conn).ExitCode.ShouldBe(0);
        cluster.Psql(db, "UPDATE contact_ledger.schema_version SET version = 4");
        CliResult migrate = Ownerc.Run("ledger", "migrate", "--postgres", conn);
        migrate.ExitCode.ShouldBe(1);
        migrate.Stderr.ShouldBe("ownerc: error: the contact ledger schema \"contact_ledger\" is version 4, newer than version 3 that this AccountabilityDsl.Runtime.PostgreSql reads: upgrade the package (nothing was changed)\n");
        CliResult verify = Ownerc.Run("ledger", "verify", "--postgres", conn);
        verify.ExitCode.ShouldBe(1);
        verify.Stdout.ShouldContain("version 4, newer than version 3");
        cluster.Psql(db, "SELECT version FROM contact_ledger.schema_version").ShouldBe("4");
    }

    [SkippableFact]
    public void Postgres_verify_reports_a_damaged_counter()
    {
        cluster.Require();
        string db = cluster.CreateDatabase("cli");
        string conn = cluster.ConnectionString(db);
        Ownerc.Run("ledger", "migrate", "--postgres", conn).ExitCode.ShouldBe(0);
        cluster.Psql(db, "INSERT INTO contact_ledger.channel_counts VALUES ('sms', 0, 100, 3, 2)");
        CliResult verify = Ownerc.Run("ledger", "verify", "--postgres", conn);
        verify.ExitCode.ShouldBe(1);
        verify.Stdout.ShouldBe("problem: channel 'sms' hour bucket 100 stripe 3: counter says 2, the contacts table holds 0\n");
        verify.Stderr.ShouldBe($"ownerc: error: the contact ledger schema \"contact_ledger\" in database '{db}' on {cluster.Folder} has 1 problem\n");
    }

    [SkippableFact]
    public void Postgres_unreachable_server_is_exit_2_with_a_clear_message()
    {
        cluster.Require();
        CliResult result = Ownerc.Run("ledger", "verify", "--postgres", $"Host={_dir};Port=1;Database=x;Timeout=3");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldStartWith($"ownerc: error: cannot reach the PostgreSQL server for the contact ledger schema \"contact_ledger\" in database 'x' on {_dir}: ");
    }
}
