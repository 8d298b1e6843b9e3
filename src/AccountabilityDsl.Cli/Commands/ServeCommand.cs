using System.Runtime.CompilerServices;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc serve &lt;files or folders&gt;… [--urls …] [--ledger …] [--token-file …]</c>: the policy
/// decision service (AccountabilityDsl.Serve). The service library, and ASP.NET Core with it,
/// is loaded only when this command runs, so the other commands start as fast as before.
/// </summary>
public sealed class ServeCommand : ICommand
{
    /// <summary>Also what the native ownerc lists (and forwards) without this type: see <see cref="ManagedCompanion"/>.</summary>
    internal const string CommandName = "serve";

    internal const string CommandSummary = "Serve policies as an HTTP decision service (accountable owners, contact checks, reservations).";

    public string Name => CommandName;

    public string Summary => CommandSummary;

    public string Help => """
        Usage: ownerc serve <files or folders>... [--urls <urls>] [--ledger <ledger>] [--token-file <file>]

        Compiles the policies and answers for them over HTTP (see docs/service.md):
          GET  /v1/policies                       loaded policies, hashes, diagnostics
          POST /v1/{policy}/accountable           segments and accountable owner per stage
          POST /v1/{policy}/check                 may this contact be made now?
          POST /v1/{policy}/reserve               check and hold a slot; then commit or release
          POST /v1/{policy}/commit | /release     settle a reservation
          POST /v1/{policy}/events                report an event that starts cool-downs
          POST /v1/{policy}/offers/rank           rank the offers for a customer
          GET  /healthz, /readyz, /metrics, /openapi/v1.json
        Files are compiled as 'ownerc check' compiles them: files whose headers name the same
        policy are one policy. They are watched, with the .editorconfig files that apply to them:
        a change that compiles without errors replaces the running policy; one with errors is
        reported and the previous version keeps serving. At start-up, when no policy compiles
        without errors, there is nothing to serve: the diagnostics are printed and it exits with 2.

        Options:
          --urls <urls>        Where to listen (default http://127.0.0.1:5199; several separated
                               by ';'). An address other than loopback needs --token-file.
          --ledger <ledger>    sqlite:<path> (default sqlite:ownerc-ledger.db in the working
                               folder), postgres:<connection string> to share one ledger
                               between replicas, or memory: (lost on exit).
          --token-file <file>  A file holding the bearer token every /v1 request must present
                               (Authorization: Bearer <token>).
          -h, --help           Show this help.

        Exit codes:
          0  stopped by SIGTERM or Ctrl+C after finishing the requests in flight
          2  bad usage, no policy file found, no policy that compiles without errors at
             start-up, or an address it cannot listen on

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        var paths = new List<string>();
        string? urls = null, ledger = null, tokenFile = null;
        var reader = new ArgumentReader(args, "serve", ["--urls", "--ledger", "--token-file", "--help"]);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false }:
                    paths.Add(arg.Name);
                    break;
                case { Name: "--urls" }:
                    urls = reader.ValueOfOnce(arg, urls, "URLs such as http://127.0.0.1:5199");
                    break;
                case { Name: "--ledger" }:
                    ledger = reader.ValueOfOnce(arg, ledger, "sqlite:<path>, postgres:<connection string> or memory:");
                    break;
                case { Name: "--token-file" }:
                    tokenFile = reader.ValueOfOnce(arg, tokenFile, "a file holding the token");
                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        if (paths.Count == 0)
        {
            throw new UsageException("'ownerc serve' needs the policy files or folders to serve", "ownerc serve samples/retail-bank.owner");
        }

        InputSet inputs = InputCollector.Collect(paths, context.CurrentDirectory);
        if (inputs.Files.Count == 0)
        {
            foreach (string error in inputs.Errors)
            {
                context.WriteError(error);
            }

            return ExitCodes.BadUsageOrInput;
        }

        context.Out.Flush();
        return Serve(paths, urls, ledger, tokenFile, context);
    }

    // A method of its own: the JIT loads AccountabilityDsl.Serve (and ASP.NET Core) only when
    // this runs, not when the command table is built.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Serve(List<string> paths, string? urls, string? ledger, string? tokenFile, CommandContext context)
    {
        string directory = context.CurrentDirectory;
        var options = new AccountabilityDsl.Serve.ServeOptions
        {
            Paths = paths,
            Urls = urls ?? AccountabilityDsl.Serve.ServeOptions.DefaultUrls,
            Ledger = ledger ?? AccountabilityDsl.Serve.ServeOptions.DefaultLedger,
            TokenFile = tokenFile,
            WorkingDirectory = directory,
        };
        return AccountabilityDsl.Serve.DecisionService.Run(options, context.Error);
    }
}
