import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthPage } from './auth/AuthPage.js';
import { AuthProvider } from './auth/AuthContext.js';
import { RequireAuth } from './auth/RequireAuth.js';
import { AppShell } from './ui/AppShell.js';
import { Spinner } from './ui/ProgressBar.js';
import { ROUTER_FUTURE } from './ui/routerFuture.js';
import { ToastProvider } from './ui/Toasts.js';

const ChatPage = lazy(() => import('./chat/ChatPage.js').then((m) => ({ default: m.ChatPage })));
const LibraryPage = lazy(() => import('./library/LibraryPage.js').then((m) => ({ default: m.LibraryPage })));
const ViewerPage = lazy(() => import('./viewer/ViewerPage.js').then((m) => ({ default: m.ViewerPage })));

function Protected({ children }: { children: React.ReactNode }) {
  return (
    <RequireAuth>
      <AppShell>
        <Suspense
          fallback={
            <div className="page-center">
              <Spinner />
            </div>
          }
        >
          {children}
        </Suspense>
      </AppShell>
    </RequireAuth>
  );
}

export function App() {
  return (
    <BrowserRouter future={ROUTER_FUTURE}>
      <ToastProvider>
        <AuthProvider>
          <Routes>
            <Route path="/login" element={<AuthPage mode="login" />} />
            <Route path="/signup" element={<AuthPage mode="signup" />} />
            <Route path="/" element={<Navigate to="/chat" replace />} />
            <Route
              path="/chat/:sessionId?"
              element={
                <Protected>
                  <ChatPage />
                </Protected>
              }
            />
            <Route
              path="/library"
              element={
                <Protected>
                  <LibraryPage />
                </Protected>
              }
            />
            <Route
              path="/documents/:id"
              element={
                <Protected>
                  <ViewerPage />
                </Protected>
              }
            />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </AuthProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}

function NotFound() {
  return (
    <main className="page-center" id="main">
      <div className="empty">
        <h1 className="empty__title">Page not found</h1>
        <p className="empty__text">That page does not exist.</p>
        <a className="btn btn-primary" href="/chat">
          Go to your chats
        </a>
      </div>
    </main>
  );
}
