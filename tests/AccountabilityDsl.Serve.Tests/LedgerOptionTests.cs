using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// A <c>--ledger</c> the service cannot open stops it before it listens: one line naming the ledger (its password
/// masked) and exit code 2, never a stack trace.
/// </summary>
public sealed class LedgerOptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ownerc-serve-ledger-").FullName;

    [Fact]
    public void A_connection_string_Npgsql_cannot_parse_is_refused_with_exit_2()
    {
        (int exit, string error) = Run("postgres:Host=127.0.0.1;Colour=blue");

        exit.ShouldBe(2);
        error.ShouldStartWith("ownerc: error: cannot open the ledger 'postgres:Host=127.0.0.1;Colour=blue': ");
        error.ShouldContain("colour", Case.Insensitive);
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public void An_unreachable_server_is_refused_with_exit_2_and_the_password_never_shown()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        (int exit, string error) = Run("postgres:Host=127.0.0.1;Port=1;Username=ownerc;Password=s3cret-pass;Timeout=2");

        exit.ShouldBe(2);
        error.ShouldStartWith("ownerc: error: cannot open the ledger 'postgres:host=127.0.0.1;port=1;username=ownerc;password=***;timeout=2': the PostgreSQL contact ledger is unavailable");
        error.ShouldNotContain("s3cret-pass");
        error.ShouldNotContain("   at ");
    }

    private (int Exit, string Error) Run(string ledger)
    {
        // A policy that compiles: with nothing to serve, serve would stop before it opens the ledger.
        File.Copy(ServeFactory.Source("capped.owner"), Path.Combine(_directory, "capped.owner"), overwrite: true);
        using var error = new StringWriter();
        int exit = DecisionService.Run(new ServeOptions { Paths = [_directory], Ledger = ledger, WorkingDirectory = _directory }, error);
        return (exit, error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
