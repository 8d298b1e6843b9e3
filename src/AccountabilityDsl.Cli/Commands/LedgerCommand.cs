using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.PostgreSql;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc ledger migrate|verify (--postgres &lt;conn&gt; | --sqlite &lt;path&gt;)</c>: creates or upgrades a contact
/// ledger's schema explicitly (ledgers never migrate on open), and checks a ledger's schema version and integrity.
/// </summary>
public sealed class LedgerCommand : ICommand
{
    private static readonly string[] OptionNames = ["--postgres", "--sqlite", "--schema", "--help"];

    private const string Usage = "ownerc ledger migrate|verify (--postgres \"<connection string>\" | --sqlite <path>) [--schema <name>]";

    /// <summary>Also what the native ownerc lists (and forwards) without this type: see <see cref="ManagedCompanion"/>.</summary>
    internal const string CommandName = "ledger";

    internal const string CommandSummary = "Create, upgrade or verify a contact ledger's schema (PostgreSQL or SQLite).";

    public string Name => CommandName;

    public string Summary => CommandSummary;

    public string Help => """
        Usage: ownerc ledger migrate|verify (--postgres "<connection string>" | --sqlite <path>) [--schema <name>]

        Manages the stored schema of a contact ledger, the shared record of contacts that
        ContactGate counts against. A ledger refuses to open on a schema that is missing,
        older, newer or not a contact ledger at all; nothing is migrated silently. This
        command is the explicit step: run 'migrate' once per deployment, before the new
        version of an application opens the ledger.

        Actions:
          migrate            Create the schema, or upgrade an older one to this version, in
                             one transaction. A newer schema (written by a later version) or
                             a foreign one is refused and left untouched.
          verify             Check the schema version and the ledger's integrity: PostgreSQL:
                             every running channel counter equals the contacts it counts;
                             SQLite: 'PRAGMA integrity_check' and the channel counters.

        Options:
          --postgres <conn>  A PostgreSQL connection string, e.g.
                             "Host=db1;Database=offers;Username=ledger". The password is
                             best given through PGPASSWORD or a .pgpass file.
          --sqlite <path>    A SQLite ledger file (migrate creates it when missing).
          --schema <name>    PostgreSQL schema holding the ledger (default contact_ledger).
          -h, --help         Show this help.

        Exit codes:
          0  the schema is current (migrate: created, upgraded or already current;
             verify: no problem found)
          1  the schema is newer or foreign, or verify found problems (each is printed)
          2  bad usage, or the database could not be reached or opened

        Examples:
          ownerc ledger migrate --postgres "Host=localhost;Database=offers;Username=ledger"
          ownerc ledger verify --postgres "Host=localhost;Database=offers;Username=ledger"
          ownerc ledger migrate --sqlite /var/lib/offers/ledger.db

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        Options options = Parse(args);
        return options.Postgres is not null
            ? RunPostgres(options, context)
            : RunSqlite(options, Path.GetFullPath(options.Sqlite!, context.CurrentDirectory), context);
    }

    private sealed record Options(string Action, string? Postgres, string? Sqlite, string Schema);

    private static Options Parse(IReadOnlyList<string> args)
    {
        string? action = null;
        string? postgres = null;
        string? sqlite = null;
        string? schema = null;
        var reader = new ArgumentReader(args, "ledger", OptionNames);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false } when action is null:
                    action = arg.Name;
                    break;
                case { IsOption: false }:
                    throw new UsageException($"unexpected argument '{arg.Name}'; usage: " + Usage);
                case { Name: "--postgres" }:
                    postgres = reader.ValueOfOnce(arg, postgres, "a connection string such as \"Host=localhost;Database=offers\"");
                    break;
                case { Name: "--sqlite" }:
                    sqlite = reader.ValueOfOnce(arg, sqlite, "the path of a SQLite ledger file");
                    break;
                case { Name: "--schema" }:
                    schema = reader.ValueOfOnce(arg, schema, "a PostgreSQL schema name such as contact_ledger");
                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        if (action is null)
        {
            throw new UsageException("no action; usage: " + Usage);
        }

        if (action is not ("migrate" or "verify"))
        {
            throw new UsageException(
                $"unknown action '{action}' for 'ownerc ledger'; use migrate or verify"
                + (AccountabilityDsl.Text.SpellingSuggestion.Closest(action, ["migrate", "verify"]) is { } closest ? $" (did you mean '{closest}'?)" : ""));
        }

        if ((postgres is null) == (sqlite is null))
        {
            throw new UsageException(postgres is null
                ? "no ledger given; name one with --postgres \"<connection string>\" or --sqlite <path>"
                : "give either --postgres or --sqlite, not both");
        }

        if (schema is not null && postgres is null)
        {
            throw new UsageException("--schema applies to --postgres ledgers only");
        }

        if (schema is { Length: 0 } || (schema is not null && string.IsNullOrWhiteSpace(schema)))
        {
            throw new UsageException("--schema needs a name, such as contact_ledger");
        }

        return new Options(action, postgres, sqlite, schema ?? PostgreSqlLedgerSchema.DefaultSchema);
    }

    private static int RunPostgres(Options options, CommandContext context)
    {
        NpgsqlDataSource dataSource;
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(options.Postgres!);
            dataSource = NpgsqlDataSource.Create(settings);
        }
        catch (ArgumentException e)
        {
            // Npgsql names the offending keyword; the connection string itself may hold a password.
            throw new UsageException($"the --postgres connection string is not valid: {e.Message}");
        }

        using (dataSource)
        {
            string target = $"contact ledger schema \"{options.Schema}\" in database '{settings.Database ?? settings.Username ?? "(default)"}' on {settings.Host ?? "localhost"}";
            try
            {
                using NpgsqlConnection connection = dataSource.OpenConnection();
                if (options.Action == "migrate")
                {
                    int? before = PostgreSqlLedgerSchema.Migrate(connection, options.Schema);
                    context.Out.WriteLine(Migrated(target, before, PostgreSqlLedgerSchema.Version));
                    return ExitCodes.Success;
                }

                return Report(context, target, PostgreSqlLedgerSchema.Verify(connection, options.Schema), PostgreSqlLedgerSchema.Version);
            }
            catch (LedgerSchemaException e)
            {
                context.WriteError(e.Message);
                return ExitCodes.ErrorsReported;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                context.WriteError($"cannot reach the PostgreSQL server for the {target}: {Describe(e)}");
                return ExitCodes.BadUsageOrInput;
            }
        }
    }

    private static int RunSqlite(Options options, string path, CommandContext context)
    {
        string shown = options.Sqlite!;
        string target = $"SQLite contact ledger '{shown}'";
        if (Directory.Exists(path))
        {
            context.WriteError($"'{shown}' is a folder; --sqlite names the ledger file, such as '{Path.Join(shown, "ledger.db")}'");
            return ExitCodes.BadUsageOrInput;
        }

        try
        {
            if (options.Action == "migrate")
            {
                int before = SqliteContactLedger.Migrate(path);
                context.Out.WriteLine(Migrated(target, before == 0 ? null : before, SqliteContactLedger.SchemaVersion));
                return ExitCodes.Success;
            }

            if (!File.Exists(path))
            {
                context.WriteError($"file not found: '{shown}'");
                return ExitCodes.BadUsageOrInput;
            }

            // Opening checks the schema (a newer, older or foreign file is refused); then the whole file is checked.
            using var ledger = new SqliteContactLedger(path);
            return Report(context, target, ledger.VerifyIntegrity().Problems, SqliteContactLedger.SchemaVersion);
        }
        catch (LedgerSchemaException e)
        {
            context.WriteError(e.Message);
            return ExitCodes.ErrorsReported;
        }
        catch (SqliteException e)
        {
            context.WriteError($"cannot open the {target}: {e.Message}");
            return ExitCodes.BadUsageOrInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.WriteError($"cannot open the {target}: {e.Message}");
            return ExitCodes.BadUsageOrInput;
        }
    }

    private static string Migrated(string target, int? before, int version) => before switch
    {
        null => $"created the {target} at version {version}",
        _ when before == version => $"the {target} is already at version {version}; nothing to do",
        _ => $"upgraded the {target} from version {before} to {version}",
    };

    private static int Report(CommandContext context, string target, IReadOnlyList<string> problems, int version)
    {
        if (problems.Count == 0)
        {
            context.Out.WriteLine($"the {target} is sound (schema version {version})");
            return ExitCodes.Success;
        }

        foreach (string problem in problems)
        {
            context.Out.WriteLine("problem: " + problem);
        }

        context.WriteError($"the {target} has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}");
        return ExitCodes.ErrorsReported;
    }

    private static string Describe(Exception e) => e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : e.InnerException?.Message ?? e.Message;
}
