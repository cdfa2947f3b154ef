# The SmartMaintenance server as a container image: built with the .NET 10 SDK image, run on the ASP.NET Core runtime
# image as the non-root user `app` that image provides. Never built on our build machine (no container engine runs
# there); docs/production.md says what was checked instead.
#
#   docker build -t smartmaintenance .
#   docker run -p 8080:8080 -v smx-data:/var/lib/smartmaintenance -e SMX_ADMIN_API_KEY=... smartmaintenance

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the files that decide the packages alone, so a change of code reuses this layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/SmartMaintenance.Core/SmartMaintenance.Core.csproj src/SmartMaintenance.Core/
COPY src/SmartMaintenance.Server/SmartMaintenance.Server.csproj src/SmartMaintenance.Server/
RUN dotnet restore src/SmartMaintenance.Server/SmartMaintenance.Server.csproj

COPY src/SmartMaintenance.Core/ src/SmartMaintenance.Core/
COPY src/SmartMaintenance.Server/ src/SmartMaintenance.Server/
RUN dotnet publish src/SmartMaintenance.Server/SmartMaintenance.Server.csproj -c Release --no-restore -o /app


FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app

# The data folder: the SQLite file when SMX_POSTGRES is unset, the model files and generated secrets always. Made
# here and owned by `app`, so a new named volume mounted on it starts writable by the non-root user.
ENV SMX_DATA_DIR=/var/lib/smartmaintenance \
    ASPNETCORE_HTTP_PORTS=8080
RUN mkdir -p /var/lib/smartmaintenance && chown "$APP_UID:$APP_UID" /var/lib/smartmaintenance
VOLUME /var/lib/smartmaintenance

COPY --from=build /app ./
USER $APP_UID

# HTTP, then the agents' Orleans silo and gateway ports (SMX_SILO_PORT, SMX_GATEWAY_PORT), which other nodes reach.
EXPOSE 8080 11111 30000

# No HEALTHCHECK: the runtime image has neither curl nor wget. Let the orchestrator or load balancer probe
# GET /health/live (the process answers) and GET /health/ready (store, disk space and agents ready).
ENTRYPOINT ["dotnet", "SmartMaintenance.Server.dll"]
