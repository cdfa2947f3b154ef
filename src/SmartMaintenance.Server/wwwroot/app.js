// Small browser helpers for the Blazor UI (kept tiny: everything else runs on the server).
window.smx = {
    // Remembers a UI choice (tenant, site) for a year; read back by the server when a page loads.
    setCookie(name, value) {
        const age = value ? 31536000 : 0;
        document.cookie = `${encodeURIComponent(name)}=${encodeURIComponent(value ?? "")}; path=/; max-age=${age}; samesite=lax`;
    },
};
