using System.CommandLine;
using Tollgate.Server.Cli;
using Tollgate.Server.Hosting;

SocketTuning.Apply();

// The host handles Ctrl+C and SIGTERM itself (graceful shutdown), so the command line does not.
return await TollgateCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
